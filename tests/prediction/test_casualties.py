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
    ("A man was killed and his wife was wounded.", 1, None),
    ("The strike killed a 9-year-old boy.", 1, None),
    # captured or missing people are neither
    ("Three fishermen are still missing.", None, None),
    ("Fourteen pupils were abducted from the school.", None, None),
    ("Medics said at least 12 people were wounded, three of them in critical condition.", None, 12),
]


@pytest.mark.parametrize("text, killed, injured", CASES)
def test_figures(text, killed, injured):
    figures = extract_figures(text)
    assert (figures.killed, figures.injured) == (killed, injured)
