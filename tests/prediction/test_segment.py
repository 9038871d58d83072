from hypothesis import given, settings
from hypothesis import strategies as st

from warwire.prediction.segment import segment

NEWS = (
    "KYIV, June 3 (Reuters) - Russian forces launched 40 drones at Kyiv overnight, Gen. Oleksandr Syrskyi said. "
    "The U.S. embassy warned citizens at 3 a.m. to shelter. "
    '"We shot down 35 of them. The rest hit the suburbs," the air force said in a statement.\n'
    "Officials said the attack... was the largest this month.\n\n"
    "Share it on Facebook\nLeave a Reply\n"
)


def texts(article):
    return [span.text for span in segment(article)]


def test_news_sentences_with_quotes_abbreviations_datelines_and_furniture():
    assert texts(NEWS) == [
        "KYIV, June 3 (Reuters) - Russian forces launched 40 drones at Kyiv overnight, Gen. Oleksandr Syrskyi said.",
        "The U.S. embassy warned citizens at 3 a.m. to shelter.",
        '"We shot down 35 of them. The rest hit the suburbs," the air force said in a statement.',
        "Officials said the attack... was the largest this month.",
        "Share it on Facebook",
        "Leave a Reply",
    ]


def test_offsets_point_into_the_article():
    for span in segment(NEWS):
        assert NEWS[span.start : span.end] == span.text


def test_empty_and_blank_articles_give_no_sentences():
    assert segment("") == []
    assert segment("\n\n   \n\t\n") == []


def test_repeated_sentences_get_their_own_offsets():
    spans = segment("Yes. Yes. Yes.")
    assert [s.start for s in spans] == [0, 5, 10]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400))
def test_offsets_hold_for_any_text(article):
    previous_end = 0
    for span in segment(article):
        assert article[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text
        assert span.start >= previous_end
        previous_end = span.end


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Gen. Smith said.",
                "He left at 3 p.m. on Monday.",
                '"No," he said.',
                "U.S. forces hit it!",
                "Why?",
                "...",
                "``We stay. ''",
                "'' He left.",
                "It hit at 2 p.m. Thursday, he said.",
            ]
        ),
        max_size=12,
    ),
    st.sampled_from([" ", "\n", "\n\n"]),
)
def test_no_characters_are_lost(pieces, joiner):
    article = joiner.join(pieces)
    spans = segment(article)
    covered = "".join(span.text for span in spans)
    assert "".join(covered.split()) == "".join(article.split())
    assert all(article[s.start : s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))  # in order, never overlapping


def test_a_huge_single_line_article_is_cut_correctly_and_fast_enough():
    sentence = "The army said a shell struck the school in Gen. Ivanov's district at 3 a.m. on Monday. "
    article = sentence * 3000  # 260 kB on one line: pysbd alone would take minutes
    spans = segment(article)
    assert len(spans) == 3000
    assert all(article[s.start : s.end] == s.text == sentence.strip() for s in spans)


def test_a_line_without_spaces_is_kept_whole():
    article = "x" * 5000
    spans = segment(article)
    assert "".join(s.text for s in spans) == article


def test_the_fast_span_search_gives_pysbds_own_sentences_on_the_corpus():
    """``_pieces`` skips pysbd's per-sentence regex; on real corpus text it must return exactly
    what ``pysbd.Segmenter.segment`` returns (the whole corpus was checked once: 5,465 lines)."""
    import json
    from pathlib import Path

    from warwire.prediction.segment import _pieces, _segmenter

    corpus = Path(__file__).resolve().parents[2] / "data" / "corpus" / "test.jsonl"
    rows = [json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines()]
    articles: dict[str, list[str]] = {}
    for row in rows:
        articles.setdefault(row["article_id"], []).append(row["text"])
    lines = [" ".join(sentences) for sentences in articles.values()]  # whole articles on one line
    lines += ['He said: "No." Then left.', "  Yes.  Yes.  ", "U.S. troops left at 9 a.m. on Monday. Gen. Ali said so."]
    assert [_pieces(line) for line in lines] == [_segmenter().segment(line) for line in lines]


def test_a_closing_quote_that_stands_apart_stays_with_its_sentence():
    # AP's typewriter quotes: pysbd would give the closing '' to the next sentence, or a row of its own.
    article = "``We will not give them this building. '' He left.\n``We are here. ''"
    assert all(article[s.start : s.end] == s.text for s in segment(article))
    assert texts("``He said `we stay.' '' He left.") == ["``He said `we stay.' ''", "He left."]
    assert texts(article) == [
        "``We will not give them this building. ''",
        "He left.",
        "``We are here. ''",
    ]
    assert texts('"We will stay," he said. "Nobody leaves."') == ['"We will stay," he said.', '"Nobody leaves."']


def test_a_clock_time_before_a_weekday_does_not_end_the_sentence():
    assert texts("The curfew ran until 6 a.m. Monday\u2019s strikes killed 12.")[-1] == "Monday\u2019s strikes killed 12."
    assert texts("The blast hit at about 2:48 p.m. Thursday, triggering a fire. Talks end at 5 p.m. Officials left.") == [
        "The blast hit at about 2:48 p.m. Thursday, triggering a fire.",
        "Talks end at 5 p.m.",
        "Officials left.",
    ]
