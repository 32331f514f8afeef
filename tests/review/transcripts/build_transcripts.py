# ruff: noqa: E501  (the scripts below are dialogue, one line per turn)
"""Rebuild the paired transcripts (JSON) from the scripts below: ``python tests/review/transcripts/build_transcripts.py``.

Script lines: ``o:`` officer, ``s:`` subject, ``c:`` clinician; ``!o:`` the officer starts talking
over the previous line; a trailing ``@NN`` sets the subject's agitation after that line.
Times come from word counts (deterministic): skilled officers speak ~140 wpm at steady volume and
leave pauses, unskilled ones speed up, get louder and jump in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).parent

PAIRS: dict[str, dict[str, object]] = {}


def pair(scenario: str, subject: str | None, start: int, skilled: str, unskilled: str) -> None:
    PAIRS[scenario] = {
        "subject": subject,
        "start": start,
        "skilled": skilled,
        "unskilled": unskilled,
    }


pair(
    "overpass_voices",
    "Marcus",
    70,
    """
o: Hi, I'm Officer Daniels with the city police. Someone driving by called because they were worried about you. What's your name?
s: Marcus. Don't come any closer, okay? I mean it. I just want everybody to leave me alone up here. @72
o: Okay, Marcus. I'll stay right here by the car. Take your time.
s: The voices won't stop. They say I'm worthless and I should just jump. @70
o: That sounds exhausting, hearing that all day.
s: It is. Three days now. I haven't slept at all, I just lie there and they keep going, all night, every night, and I can't make them stop. @66
o: You haven't slept in three days, and the voices keep telling you you're worthless.
s: Yeah. Nobody listens to me anyway. My landlord, my boss, my own family, they all just look at me like I'm a problem they want gone. @64
o: Mm-hm. Go on.
s: I used to work at the plant, I had a place, I had friends. Then it all went, one thing after another, and now it's just me and the voices. @62
o: It sounds like you've been carrying this alone for a long time, and you're really tired.
s: I am tired. I'm so tired. @60
o: Marcus, I want to ask you something directly. Are you thinking about killing yourself tonight?
s: I came up here to do it. I've been standing here an hour. But I don't know. I keep thinking about my sister. @62
o: Part of you wants it all to stop, and part of you is still here talking to me.
s: Maybe. @55
o: What usually helps when the voices get this loud?
s: My meds helped. I stopped taking them last month. @52
o: Tell me about the medication.
s: It ran out. I couldn't pay for it after the job ended, and the pharmacy wouldn't give me any more without the money. @50
o: That makes sense. Anyone in that spot would be struggling.
s: My sister used to help me with that. @46
o: You mentioned your sister. Who else do you lean on when things get this bad?
s: Just her, really. Jess. She'd come if I called her. She always comes, even when I yell at her. @42
o: So let me make sure I've got this: the voices got louder after the meds ran out, you haven't slept, and your sister might come. Is that right?
s: Yeah, that's right. @38
o: You can come over to the sidewalk with me, or we can keep talking right where you are. It's your call.
s: What happens if I come over? @34
o: Here's what happens next: we call your sister, and the paramedics check you out. Nobody's putting handcuffs on you. I'm not going anywhere.
s: Okay. I'll come over. @25
""",
    """
o: Hey! Get down off that rail right now!
s: Stay back! Don't come any closer! @82
o: Get down here, I'm not asking twice.
s: The voices won't stop. They say I'm worthless and I should just jump. @86
!o: Are you off your meds or just nuts?
s: Shut up! You don't know anything! @90
o: Calm down. It's not that bad, man.
s: You don't get it. Three days, no sleep. @88
o: Come on, everybody has problems.
s: Just leave me alone! @92
!o: Listen, buddy, I don't have all night. Get off the rail.
s: Why should I? @94
o: You have ten seconds to get off that rail.
s: You're not helping! @95
o: Did you take anything tonight?
s: No. @93
o: If you don't come down, we're taking you in.
s: Then I'll just jump. @96
o: Three... two...
s: Stop! @97
o: Get down now or I'll pull you down myself.
s: Fine! Fine. @90
""",
)

pair(
    "backyard_trespass",
    None,
    65,
    """
o: Hi, I'm Deputy Walsh with the Sheriff's Office. We got a call about someone in this backyard, so I came to make sure everyone's okay.
s: They're following me. The cameras on the poles are talking to me, they know my name, they've been after me since the bus stop this morning. @68
o: I'm going to stay right here by the gate so you have room. What should I call you?
s: Eli. Keep your voice down, they can hear everything. They hear through the phones, through the lights, through everything. @66
o: Okay, Eli. I'll keep my voice down. What are the people following you saying?
s: They say they'll take me if I go outside the fence. They've got a white van, and they said they'd put me in it and nobody would ever find me. @64
o: You're scared, and this yard felt like the only safe place.
s: Yeah. It's the only place they can't see me. There's the shed and the trees, and the cameras can't see in here. I just needed somewhere to breathe. @60
o: That sounds frightening. I'm not seeing what you're seeing, but I believe you're scared, and I want to help.
s: You believe me? @55
o: I believe it feels very real to you. Take your time.
s: I haven't eaten since yesterday. I've been walking all night. My feet hurt and I'm so tired I can barely stand. @52
o: Is that a knife in your hand? I'm asking so we can both stay safe.
s: It's for protection. @56
o: You've been protecting yourself all night, and you're worn out.
s: I am. I don't want to hurt anybody. I just don't want them to take me. @54
o: Could you set the knife on the steps for me? That way we can both relax a little. You can stay right where you are.
s: Okay. It's on the step. @46
o: Thank you, Eli. Have you been taking anything, any drugs or medication?
s: I was supposed to take something. I stopped a few weeks ago, it made me feel slow and foggy, and Rosa said we'd talk about it. @44
o: Tell me about Rosa.
s: Rosa at the clinic. @40
o: So you've been running from the people in the van, you haven't eaten, and Rosa at the clinic helps you. Did I get that right?
s: Yeah. @36
o: We could call Rosa, or I can drive you to the crisis center where you can eat and rest. Which sounds better?
s: Rosa. Call Rosa. She'll know what to do. She always knows. @30
""",
    """
o: Get on the ground! Hands where I can see them!
s: They're following me! The cameras are talking! @85
o: You're trespassing, you're going to jail.
s: No! They'll get me! @88
!o: There's nobody following you, that's all in your head.
s: You're with them! @92
o: Are you crazy or something?
s: Stay away from me! @94
o: Drop it! Drop the knife! Get on the ground! Do it now!
s: It's for protection! @96
o: Drop the knife or I'll shoot.
s: Please! @97
o: Snap out of it.
s: I'm scared! @95
!o: Quit talking nonsense. Get out from behind the shed.
s: Okay, okay. @90
o: Turn around. Hands behind your back.
s: Don't let them take me. @88
""",
)

pair(
    "bar_intoxicated",
    None,
    60,
    """
o: Hey, I'm Officer Kim. The bartender called and asked us to come by. What's your name?
s: Darnell. They threw me out for nothing! I've been going to that bar for six years and they treat me like some kind of criminal. @62
o: You're angry they kicked you out, Darnell.
s: Damn right I am. My friends are still in there, the game's on, and I'm standing out here on the sidewalk like an idiot. @60
o: You just wanted to watch the game with your friends, and now you're out here alone.
s: Yeah. And I lost my keys somewhere in there, and my phone's dead, so I can't even call anybody to come get me. @56
o: That's a rough night. Anybody would be upset after that.
s: It's embarrassing, man. Everybody was watching when they grabbed me. People I know. @52
o: Mm-hm.
s: And the bouncer, he's the one who started it, pushing me toward the door like I was trash. @50
o: What happened in there?
s: Some guy bumped me, I said something, and security grabbed me, not him. @54
o: So a guy bumped you, words went back and forth, and security threw you out, not him. That doesn't feel fair.
s: It's not fair! @50
o: Are you hurt? You've got some blood on your hand.
s: Just a scratch. @48
o: How much have you had to drink tonight?
s: Six, seven beers. Maybe a shot. It was my birthday, that's the whole reason we came out. @46
o: Your birthday turned into a pretty lousy night.
s: My brother, maybe. He lives ten minutes away. He'd come if you called him, his number is in my wallet. @42
o: I can call you a cab, or we can call your brother. It's up to you. You're not under arrest.
s: Call my brother. @36
o: Go ahead and have a seat on the curb for me so we can talk while we wait. The cars can't see you out here on the street.
s: Alright. @32
o: Take your time. I'll wait with you until your brother gets here.
s: Thanks, officer. @28
""",
    """
o: Hey, you, back up! Put the bottle down!
s: They threw me out for nothing! @78
!o: You're drunk, go sleep it off.
s: I'm not drunk! @82
o: Dude, you're wasted.
s: Don't talk to me like that! @86
o: Calm down, man. It's just a bar, get over it.
s: My friends are in there! @88
!o: Nobody cares, just go home.
s: How? I lost my keys! @90
o: Keep it up and you'll sleep in a cell.
s: For what? @92
o: One more word and you're going in.
s: This is bullshit. @94
o: Sit down. Sit down. Sit down now!
s: Fine! @90
o: You have five seconds to drop that bottle.
s: I dropped it! @88
""",
)

pair(
    "store_disorderly",
    None,
    62,
    """
o: Hi ma'am, I'm Officer Lopez with the police department. The store manager called because there was some yelling, but I want to hear your side. What's your name?
s: Tanya. They won't take my return and I need that money! I have the receipt, I have the box, and they're telling me no because it's past fourteen days. @64
o: Okay, Tanya. Can you tell me what happened at the counter?
s: I got an eviction notice this morning and I need the money for the movers. @62
o: You got an eviction notice this morning, and this return was supposed to pay the movers.
s: Yes! And they're treating me like a criminal. The manager came out and started talking to me like I was trying to rob the place, in front of all these people. @60
o: You feel humiliated being yelled at in front of everyone.
s: I do. My kids are waiting in the car with my neighbor, and I told them I'd be five minutes. It's been half an hour. @55
o: That sounds awful. Losing your home is one of the hardest things a person can go through.
s: I don't know where we'll sleep Friday. I've called every place. Everything's full or too expensive. @52
o: Mm-hm. Go on.
s: My cousin said we can stay a couple of nights, but she's got three kids in two rooms already. @50
o: You've been trying everything, and every door keeps closing.
s: Tonight yes, my cousin's. After Friday I don't know. @48
o: Are you safe at home, and have you had any thoughts of hurting yourself with all this going on?
s: No, nothing like that. I'm just stressed. @46
o: So, you got the eviction notice, the store won't take the heater back, and you've got two kids to think about.
s: That's it exactly. @42
o: We could step outside where it's quieter, or sit over here on the bench. Whichever you prefer.
s: Outside. @38
o: Here's what I can do: I can help you talk to the manager, and I can give you the number for the housing office that helps with evictions.
s: That would help. @30
o: Take your time. I'm not going anywhere.
s: Thank you. @26
""",
    """
o: You need to leave the store. Lower your voice.
s: They won't take my return and I need that money! @78
!o: Lady, you need to knock it off.
s: Don't call me lady! @84
o: It's just a heater.
s: I got evicted this morning! @86
!o: People get evicted all the time.
s: You don't care at all! @88
o: Sweetheart, nobody cares about your heater.
s: My kids are in the car! @90
o: Stop screaming at the cashier.
s: I'm not screaming! @88
o: If you don't leave, you're going to jail for trespassing.
s: Fine, arrest me then! @92
o: You've got thirty seconds to walk out.
s: I'm going! @86
""",
)

pair(
    "traffic_stop_filming",
    None,
    58,
    """
o: Good afternoon, I'm Officer Grant with the Denver Police Department. The reason I stopped you is your taillight's out.
s: I'm recording this. I know my rights. I'm not consenting to any searches and I want that on camera. @62
o: You're welcome to keep recording, that's completely fine.
s: Last time a cop pulled me over he dragged me out of the car over a tail light, in front of my kids, and never even said why. @64
o: It sounds like you've had some bad experiences with police, and you're worried this stop is going to go badly.
s: Yeah. I am worried. My hands are shaking right now. I just want to get to work and not have this turn into something. @58
o: That makes sense. Being pulled over is stressful.
s: I'm late for work too, and if I'm late again they'll write me up, and I can't lose this job. @55
o: You're late for work. I'll be quick. Is there anything in the car I should know about, any weapons?
s: No, nothing. @52
o: Could I see your license and registration, please? I'm going to take them back to my car and run them, and I'll be right back.
s: Here. @48
o: What questions do you have for me about the stop?
s: Am I getting a ticket? Because I can't afford a ticket right now, not with rent due. @46
o: You have a couple of choices: you can fix the light this week and show the repair slip, or you can sign the ticket and request a court date.
s: I'll fix the light. @38
o: Sir, thank you for waiting. Take a second, there's no hurry.
s: Okay. Thanks. @32
o: So to sum up, you'll fix the taillight this week, bring the slip in, and you're free to go. Drive safe.
s: Thanks, officer. @26
""",
    """
o: License and registration. Stop filming and give me your license.
s: I'm recording this. I know my rights. @74
!o: Put the phone down.
s: No! I have a right to film! @80
o: Don't get smart with me.
s: Last time a cop dragged me out of the car! @84
!o: Relax, it's just a ticket. Stop whining.
s: I'm not whining! @86
o: Get out of the car.
s: Why? What did I do? @88
o: Listen, chief, I ask the questions here.
s: This is harassment! @90
o: Keep talking and you're getting arrested.
s: I'm just asking! @92
o: Out of the car in five seconds or I'm pulling you out.
s: Okay! I'm getting out! @90
o: Turn around. Hands on the car.
s: This is what I was afraid of. @88
""",
)

pair(
    "coresponder_clinician",
    "Tony",
    66,
    """
o: Hi, I'm Officer Tran, and this is Dana Ortiz. She's a mental health clinician who works with our department. Your mom called because she's worried about you. What's your name?
s: Tony. I don't want to go to the hospital. I'm not going back there, I'm telling you right now. @64
o: Okay, Tony. You don't want to go back to the hospital.
s: Last time they kept me for a week. No phone, no visitors the first days, and nobody told me anything. @62
o: You're worried that if you talk to us, you'll end up locked up again.
s: Yeah. I'm scared of that. Every time I open up to somebody, it ends with me in a room I can't leave. @58
o: That makes sense after last time. Nobody's taking you anywhere right now. Take your time.
s: Okay. @54
o: Are you thinking about hurting yourself today, Tony?
s: Not today. Last week, yeah, I thought about it a lot. Today I just want the noise in my head to quiet down. @56
o: Thank you for being honest with me. Would you be willing to talk with Dana for a few minutes? She's not police.
s: I guess. @50
o: Dana, would you like to take it from here? I'll be right over here by the door.
c: Thanks, Officer Tran. Tony, I'm Dana. What's been happening this week?
s: I ran out of my meds and everything got loud again. @46
c: That sounds really hard. Let's talk about what would help.
s: Maybe I could see my doctor tomorrow. @40
o: The clinician can set that up, and it doesn't have to involve the hospital. You can stay home tonight with your mom, or go to the crisis center. It's your call.
s: Home. With my mom. @32
o: So the plan is: you stay home with your mom, Dana calls your doctor in the morning, and you call the crisis line if it gets loud again.
s: Okay. Thank you. @26
""",
    """
o: Get your hands out of your pockets.
s: I don't want to go to the hospital. @80
!o: You're going whether you like it or not.
s: No! Last time they kept me a week! @86
o: Ignore the clinician, I'm handling this.
c: Officer, maybe I could talk with him?
o: I don't need a social worker here. Just answer my questions.
s: I'm scared! @90
!o: Stop being a baby.
s: You don't care! @92
o: Are you off your meds or just nuts?
s: Leave me alone! @94
o: We can do this the easy way or the hard way.
s: Please stop! @95
o: You have ten seconds to stand up.
s: Okay, okay! @92
o: Turn around. Hands behind your back.
s: Why are you doing this? @90
""",
)


LINE = re.compile(r"^(!?)([osc]):\s*(.*?)\s*(?:@(\d+))?$")
SPEAKER = {"o": "officer", "s": "subject", "c": "clinician"}


def build(
    scenario: str, kind: str, script: str, subject: str | None, start: int
) -> dict[str, object]:
    skilled = kind == "skilled"
    t = 2.0
    turns: list[dict[str, object]] = []
    timeline = [{"t": 0.0, "agitation": start, "stage": "agitated" if start >= 60 else "tense"}]
    n_officer = 0
    for raw in script.strip().splitlines():
        m = LINE.match(raw.strip())
        if not m:
            raise ValueError(raw)
        over, who, text, level = m.groups()
        speaker = SPEAKER[who]
        words = len(text.split())
        if speaker == "officer":
            wpm = 140 - 2 * n_officer if skilled else 165 + 6 * n_officer
            rms = -24.0 - 0.2 * n_officer if skilled else -17.0 + 0.8 * n_officer
            n_officer += 1
        else:
            wpm, rms = 160, None
        duration = round(words / wpm * 60, 2)
        if turns:
            prev = turns[-1]
            gap = (1.4 if skilled else 0.3) if speaker == "officer" else 0.6
            t = float(prev["end"]) + gap  # type: ignore[arg-type]
            if over:  # start talking over the last second of the previous line
                p_start, p_end = float(prev["start"]), float(prev["end"])  # type: ignore[arg-type]
                t = max(p_end - 1.2, p_start + 0.3)
        turn: dict[str, object] = {
            "speaker": speaker,
            "start": round(t, 2),
            "end": round(t + duration, 2),
            "text": text,
        }
        if speaker == "officer":
            turn["features"] = {"rms_dbfs": round(rms, 1), "words_per_minute": wpm}
        turns.append(turn)
        if level:
            a = int(level)
            timeline.append(
                {
                    "t": turn["end"],
                    "agitation": a,
                    "stage": "crisis"
                    if a >= 85
                    else "agitated"
                    if a >= 60
                    else "tense"
                    if a >= 40
                    else "calm",
                }
            )
    out: dict[str, object] = {
        "session_id": f"pair-{scenario}-{kind}",
        "scenario_id": scenario,
        "officer": {
            "id": f"trainee-{kind}",
            "name": "Skilled Officer" if skilled else "Unskilled Officer",
        },
        "started_at": "2026-11-22T10:00:00Z",
        "turns": turns,
        "state_timeline": timeline,
        "events": [],
    }
    if subject:
        out["subject"] = {"name": subject}
    return out


def main() -> None:
    for scenario, spec in PAIRS.items():
        for kind in ("skilled", "unskilled"):
            data = build(scenario, kind, str(spec[kind]), spec["subject"], int(spec["start"]))  # type: ignore[arg-type]
            path = HERE / f"{scenario}.{kind}.json"
            path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            print(path.name, len(data["turns"]))  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
