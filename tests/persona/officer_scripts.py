"""Scripted officers for the acceptance tests: one good and one bad line-up per scenario.

Good officers introduce themselves, give the reason, listen, reflect, slow down and offer
options (in that order: the Behavioral Change Stairway). Bad officers command, threaten,
count down and talk over the subject, loudly and fast.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    text: str
    interrupted: bool = False


GOOD_FEATURES = {"rms_dbfs": -24.0, "words_per_minute": 125.0}
BAD_FEATURES = {"rms_dbfs": -9.0, "words_per_minute": 195.0}
TURN_GAP_S = 15.0

GOOD: dict[str, list[str]] = {
    "overpass_voices": [
        "Hi, I'm Officer Daniels with the city police. Someone called because they were worried"
        " about you. What's your name?",
        "Elliot, I'm going to stay right here. Take your time. What's going on tonight?",
        "It sounds like the voices have been really loud and you're exhausted.",
        "That makes sense, anyone would be worn out after days of that.",
        "Are you thinking about killing yourself tonight?",
        "So you've lost your job, the voices won't stop, and you feel like a burden to Maya.",
        "You sound scared and really alone up here, Elliot.",
        "There's no rush. I'm not going anywhere.",
        "Would you be willing to step back from the railing and talk with me by the car, or"
        " would you rather sit down right here?",
        "You can choose: we can call Maya together, or walk over to the ambulance and get some"
        " help with the voices.",
        "Whatever you decide, Elliot, we'll do it at your pace.",
    ],
    "backyard_trespass": [
        "Hey there, I'm Officer Daniels with the police department. I'm here because the"
        " neighbor was worried. What's your name?",
        "Jordan, take your time. Can you tell me what's going on tonight?",
        "It sounds like you're really scared that someone is after you.",
        "That would frighten anybody, Jordan. It makes sense you'd want to hide.",
        "I'm going to stay right here with you. Nobody is rushing anything.",
        "So you haven't slept in days, you feel like you're being followed, and you came back"
        " here to feel safe.",
        "Have you had anything to eat or any sleep today?",
        "You sound exhausted, Jordan.",
        "Would you like to sit somewhere quiet and safe with me, or would you rather we call"
        " your mom first?",
        "You can choose: we can go to the crisis center together, or wait here for your mom.",
        "We'll go at your pace, Jordan.",
    ],
    "bar_intoxicated": [
        "Hi, I'm Officer Daniels with the police department. I'm here because the bar called."
        " What's your name?",
        "Ray, let's step over here away from the crowd. What happened tonight?",
        "It sounds like today has been a really rough day.",
        "You sound hurt and embarrassed, and that makes sense after being thrown out in front"
        " of everybody.",
        "Take your time, Ray. I'm not in any hurry.",
        "So your divorce came through, you can't see your kids this weekend, and they've got"
        " your jacket and keys inside.",
        "Are you hurt anywhere? How much have you had to drink today?",
        "That's a lot to carry in one day, Ray.",
        "Would you like me to get your jacket and keys brought out, or would you rather call"
        " Mike for a ride home?",
        "You can choose: sit here on the curb while we sort it out, or walk with me to the car"
        " and call Mike from there.",
        "We'll do this at your pace, Ray.",
    ],
    "store_disorderly": [
        "Hello ma'am, I'm Officer Daniels with the city police. The store called me. Could we"
        " step over here where it's quieter? What's your name?",
        "Ms. Carter, take your time. Tell me what happened today.",
        "It sounds like you felt humiliated at the register.",
        "That makes sense, anyone would be upset to be treated like that after working all day.",
        "You sound overwhelmed, Ms. Carter, and really stressed about your home.",
        "So your card got declined, the cashier rolled his eyes, and you got an eviction notice"
        " this morning.",
        "I'm staying right here. There's no rush.",
        "Have you had your blood pressure medicine today? Are you feeling okay?",
        "Would you like to step outside with me and talk, or would you rather sit down here for"
        " a minute?",
        "You can choose: we can leave today with no charges and I'll give you the number for"
        " emergency rental help, or we can talk to the manager about holding your groceries.",
        "Whatever you decide, Ms. Carter, we'll take it one step at a time.",
    ],
    "traffic_stop_filming": [
        "Good evening sir, I'm Officer Daniels with the city police. The reason I stopped you is"
        " your registration is expired and your left taillight is out.",
        "It's fine if you keep recording. What's your name?",
        "Mr. Wilson, it sounds like you're worried about how this stop is going to go.",
        "That makes sense, especially if a stop has gone badly for you before.",
        "Here's what happens next: I'm going to ask for your license and registration, and"
        " before you reach for anything, just tell me where it is.",
        "Take your time. There's no rush.",
        "So you're late for work, the registration lapsed because of a late paycheck, and you"
        " want to get on your way.",
        "You sound frustrated about all this, Mr. Wilson.",
        "You have a choice: I can write a fix-it ticket for the taillight, or give you a warning"
        " if you get the registration renewed this week.",
        "Would you like to hand me your papers now, or would you rather tell me where they are"
        " first?",
        "We'll do this at your pace, Mr. Wilson.",
    ],
    "coresponder_clinician": [
        "Hi, I'm Officer Daniels with the city police. Your mom called because she's worried"
        " about you. What's your name?",
        "Sam, take your time. I'm staying right here. How are you doing today?",
        "It sounds like you're really exhausted and tired of everything.",
        "Are you thinking about killing yourself? Is there anything in the car you could hurt"
        " yourself with?",
        "That makes sense, Sam, feeling hopeless after a week like this.",
        "So you haven't slept, you've stopped eating, and you feel like everyone would be better"
        " off without you.",
        "Sam, this is Dana Reyes, she's a crisis clinician with the county. I'd like her to talk"
        " with you, if that's okay.",
        "You sound worn out, Sam.",
        "Dana, would you like to take it from here?",
        "You can choose: you can talk with Dana here in the car, or she can go with you to the"
        " crisis center.",
        "There's no rush, Sam. We'll go at your pace.",
    ],
    "kitchen_knife": [
        "Hi, I'm Officer Daniels with the city police. Your mom called because she's worried"
        " about you. What's your name?",
        "Devin, I'm going to stay right here in the doorway. Take your time. What happened"
        " tonight?",
        "It sounds like you're really ashamed about your dad's hand, and exhausted.",
        "That makes sense, anyone would be overwhelmed after a month like this.",
        "Are you thinking about killing yourself tonight?",
        "So the restaurant closed, Kayla left, and tonight the fight with your dad went too far.",
        "You sound scared, Devin, and really alone in there.",
        "There's no rush. I'm not coming any closer.",
        "Would you be willing to put the knife in the sink, or would you rather set it on the"
        " counter and step back?",
        "You can choose: walk out the front door to the ambulance, or sit on the porch with me"
        " first.",
        "Whatever you decide, Devin, we'll do it at your pace.",
    ],
    "veteran_parked_car": [
        "Good evening, I'm Officer Daniels with the county police. Someone called about the truck"
        " and I wanted to make sure you're okay. What's your name?",
        "Curtis, I'm going to stay right here by the door. Take your time. How are you doing"
        " tonight?",
        "It sounds like the fireworks last night hit you really hard.",
        "That makes sense, anyone who went through what you did would be on edge.",
        "Are you thinking about killing yourself tonight? Is there a gun in the truck?",
        "So you haven't slept, the fireworks brought everything back, and you didn't want Lily to"
        " see you like this.",
        "You sound exhausted, Curtis.",
        "There's no rush. I'm not going anywhere.",
        "Would you be willing to let me hold onto the pistol for tonight, or would you rather"
        " lock it in the toolbox in the bed?",
        "You can choose: I can drive you to the VA emergency room, or you can ride with the"
        " medics.",
        "Whatever you decide, Curtis, we'll go at your pace.",
    ],
    "school_teen": [
        "Hi Owen, I'm Officer Daniels with the city police. The school called because they were "
        "worried about you. Is it okay if I sit down over here?",
        "Owen, take your time. I'm going to stay right here. Can you tell me what's been going on?",
        "It sounds like things have been really heavy for a long time, and you're exhausted.",
        "Are you thinking about killing yourself? Do you have a plan, or a gun you could get to "
        "at home?",
        "That makes sense, Owen. Anyone would feel crushed after months of this.",
        "So the video went around, you quit the team, your grades slipped, and you feel like your "
        "dad would be better off without you.",
        "You sound really alone in this.",
        "There's no rush. Nobody is taking you anywhere in handcuffs.",
        "Would you be willing to talk to someone at the crisis center today? You can walk out the "
        "back way with me and Ms. Alvarez, or your dad can drive you.",
        "It's your choice, Owen: the back way with me and the counselor, or your dad drives and "
        "we follow.",
        "We'll go at your pace, Owen.",
    ],
    "dementia_wandering": [
        "Hello, ma'am. I'm Officer Daniels with the police. Someone was worried about you. May I "
        "sit here with you?",
        "What's your name, ma'am?",
        "Dorothy, take your time. I'm going to stay right here with you.",
        "You sound worried about Walter. You must love him very much.",
        "It's cold and dark out here, and that's frightening. That makes sense.",
        "Are you hurt anywhere? Is your hand okay?",
        "Dorothy, may I look at the bracelet on your wrist?",
        "You're safe now. Nobody is going to hurt you.",
        "Would you like to sit in my warm car, or stay here on the bench with a blanket?",
        "You can choose, Dorothy: the warm car while we call Linda, or the bench with a blanket.",
        "We'll go nice and slow, Dorothy.",
    ],
    "autism_bus_station": [
        "Hi, I'm Officer Daniels with the city police. I'm going to stay right here and turn my "
        "radio off. What's your name?",
        "Theo, take your time. I'm not going to touch you.",
        "It sounds like it got really loud and your bus didn't come.",
        "That makes sense, Theo. Anyone would be overwhelmed by all that noise.",
        "You're not in trouble. I'm staying right here.",
        "So the 14 was cancelled, the alarm was loud, and your headphones died.",
        "Are you hurt anywhere? Did you hit your head?",
        "You sound scared, Theo.",
        "Here's what happens next. First I'll check the board. Then we can go somewhere quiet.",
        "You can choose: wait in the quiet office for the next 14, or sit on the bench here with "
        "me.",
        "We'll go one step at a time, Theo.",
    ],
    "manic_domestic": [
        "Hi, I'm Officer Daniels with the city police. A neighbor called because they were "
        "worried. What's your name?",
        "Adrian, I'm going to stay right here. Take your time. What's going on tonight?",
        "It sounds like your mind has been racing for days and you haven't been able to stop.",
        "That makes sense, Adrian. Anyone would be worn out after five nights without sleep.",
        "Would you be willing to set the drill on the counter while we talk?",
        "So you haven't slept, you've spent a lot on the studio, and you want to get to Chicago "
        "by morning.",
        "Have you been taking any medication? Have you been drinking or taking anything tonight?",
        "You sound exhausted underneath all the energy, Adrian.",
        "There's no rush. We can take this one step at a time.",
        "You can choose: go to the crisis center tonight to get some sleep, or call your doctor's "
        "after-hours line right now.",
        "Whatever you decide, Adrian, we'll do it at your pace.",
    ],
    "demo_bus_shelter": [
        "Hi, I'm Officer Daniels with the city police. Someone was worried about you. What's your"
        " name?",
        "Nora, take your time. I'm staying right here. What happened tonight?",
        "It sounds like tonight went really wrong at work and now you're stuck out here.",
        "That makes sense, Nora. Anyone would be upset after a night like that.",
        "So you lost your job, your phone died, and you missed the last bus.",
        "Are you hurt anywhere? Are you safe tonight?",
        "You sound exhausted and scared about getting home.",
        "You can choose: charge your phone in my car and call Jess, or wait for the night bus"
        " with me.",
        "Would you rather call Jess first, or take the night bus?",
        "We'll go at your pace, Nora.",
    ],
}

_BAD_COMMON = [
    Line("Hey! Show me your hands right now!"),
    Line("I said get over here now! Do it!", interrupted=True),
    Line("Calm down! It's not that big a deal.", interrupted=True),
    Line("Do it now or I'm going to tase you!", interrupted=True),
    Line("I'm going to count to three. One, two...", interrupted=True),
    Line("Last warning, buddy. Get on the ground now!", interrupted=True),
    Line("Shut up and do what I tell you!", interrupted=True),
    Line("You're going to jail if you don't listen!", interrupted=True),
]

BAD: dict[str, list[Line]] = {
    "overpass_voices": [
        Line("Hey! Get away from that railing right now!"),
        Line("Stop talking to yourself and listen to me! Get down!", interrupted=True),
        Line("There are no voices, buddy. Calm down.", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "backyard_trespass": [
        Line("Police! Come out from behind that shed with your hands up now!"),
        Line("Nobody is following you. Get over here!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "bar_intoxicated": [
        Line("Hey buddy, shut up and sit down on the curb!"),
        Line("Calm down! You're drunk. Turn around now!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "store_disorderly": [
        Line("Lady, you need to leave the store right now!"),
        Line("Calm down! Nobody cares about your problems. Get out!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "traffic_stop_filming": [
        Line("Put the phone down and give me your license now!"),
        Line("Stop filming! Hands on the wheel! Do it now!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "coresponder_clinician": [
        Line("Hey! Get out of the car now and show me your hands!"),
        Line("Calm down, it's not that bad. Get out of the car!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "kitchen_knife": [
        Line("Police! Drop the knife! Drop it now!"),
        Line("Get on the ground! Show me your hands!", interrupted=True),
        Line("Calm down, it's just a little cut!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "veteran_parked_car": [
        Line("Driver! Show me your hands! Hands on the wheel now!"),
        Line("Step out of the vehicle now! Do it!", interrupted=True),
        Line("Calm down, it's just fireworks. The war's over.", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "school_teen": [
        Line("Hey! Get up off the floor and give me that phone right now!"),
        Line("Stop being dramatic, it's just a stupid post. Calm down!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "dementia_wandering": [
        Line("Hey lady! What are you doing out here? Get up and come with me now!"),
        Line(
            "Your husband is dead, nobody's coming. Calm down and get in the car!", interrupted=True
        ),
        *_BAD_COMMON[3:],
    ],
    "autism_bus_station": [
        Line("Hey! Stop hitting the glass and stand up right now!"),
        Line("Look at me! Stand up! Do it now!", interrupted=True),
        Line("Calm down! It's just a bus, buddy.", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "manic_domestic": [
        Line("Drop the drill! Get on the ground now!"),
        Line("Calm down! You're manic, buddy. Hands behind your back!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
    "demo_bus_shelter": [
        Line("Hey! Stop kicking that bench and move along right now!"),
        Line("Calm down! It's just a bus. Stand up now!", interrupted=True),
        *_BAD_COMMON[3:],
    ],
}
