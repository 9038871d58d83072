"""Casualty figures: one case per rule of the README's table."""

import pytest

from warwire.prediction.casualties import extract_figures

CASES = [
    # number words, separators, hyphens (text2num)
    ("Twenty-six people were killed and 1,240 injured.", 26, 1240),
    ("Five people were killed and eleven were taken to hospital with wounds.", 5, 11),
    # lower bounds
    ("At least four people were killed in the strikes.", 4, None),
    ("More than 100 people have been injured since Monday.", None, 100),
    ("Between 10 and 15 soldiers died.", 10, None),
    ("Officials said 20 to 25 people were wounded.", None, 20),
    # vague quantities by ACLED's conventions; a vague word without one gives nothing
    ("Dozens were wounded.", None, 12),
    ("Hundreds of people were killed in the siege.", 100, None),
    ("Heavy losses were reported.", None, None),
    # explicit zeros
    ("Nobody was hurt, the fire service said.", 0, 0),
    ("There were no casualties.", 0, 0),
    ("There were no injuries.", None, 0),
    # a part counts as its total; tolls; figures of several words add up
    ("Two children were among the four killed.", 4, None),
    ("The death toll rose to 31, the ministry said.", 31, None),
    ("The army put the number of dead at 12, while rebels said 30 had been killed.", 12, None),
    ("Four soldiers were killed and two civilians died of their wounds in hospital.", 6, None),
    ("Three soldiers were killed and two civilians died.", 5, None),
    # verbs before their figure, headlines, single persons
    ("A shell struck the market, killing four civilians and wounding 12.", 4, 12),
    ("Drone strike kills five in Sumy", 5, None),
    ("The army said it had killed 19 militants.", 19, None),
    ("A man was killed and his wife was wounded.", 1, 1),
    ("The strike killed a 9-year-old boy.", 1, None),
    # captured or missing people are neither
    ("Three fishermen are still missing.", None, None),
    ("Fourteen pupils were abducted from the school.", None, None),
    ("Medics said at least 12 people were wounded, three of them in critical condition.", None, 12),
    # sources that differ: the clause named first
    ("Rebels said 40 soldiers died; the army said six had been killed.", 40, None),
    ("The ministry counted 8 dead, while the opposition put the toll at 20.", 8, None),
    # lists add up, "a/an" counting one; an attacker is not a casualty
    ("Nine police officers and a cook were killed in the raid.", 10, None),
    ("The blast killed 7 pilgrims as well as 2 guards.", 9, None),
    ("A gunman shot dead a shopkeeper near the bus stand.", 1, None),
    ("His brother was wounded by shrapnel.", None, 1),
    # the wounded who died are killed; a part of a stated total adds nothing
    ("Four of the injured died in hospital overnight.", 4, None),
    ("A boy hurt in the shelling died on Sunday.", 1, None),
    ("Thirty people were wounded, eleven of them seriously.", None, 30),
    # times, years, dates and things are not figures
    ("14:20 - Police said 3 people had been injured.", None, 3),
    ("Since 2014, the group has killed 212 teachers.", 212, None),
    ("Gunmen burned 40 houses and killed 6 villagers on 12 March.", 6, None),
    # zeros said in other words; a figure beside a zero wins
    ("None of the 30 passengers were harmed.", 0, 0),
    ("Two guards were killed and no pupil was hurt.", 2, 0),
    ("The shells landed in a field without injuring anyone.", None, 0),
    # tolls of the wounded
    ("The number of wounded has climbed to 58, the hospital said.", None, 58),
]


@pytest.mark.parametrize("text, killed, injured", CASES)
def test_figures(text, killed, injured):
    figures = extract_figures(text)
    assert (figures.killed, figures.injured) == (killed, injured)
