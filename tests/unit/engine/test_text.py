import numpy as np

from csops.engine.text import HashedTfidf, make_encoder, semantic_available, stem, tokenize


def test_tokenize_english_stems_and_drops_stop_words() -> None:
    assert tokenize("My cards were charged twice!") == ["card", "charg", "twice"]


def test_tokenize_chinese_is_segmented() -> None:
    toks = tokenize("我的银行卡支付失败了")
    assert "支付" in toks and "失败" in toks and "的" not in toks


def test_stem_keeps_short_words() -> None:
    assert stem("pins") == "pins" and stem("payments") == "payment"


def test_similar_texts_are_closer_than_unrelated() -> None:
    enc = HashedTfidf(dim=1024)
    corpus = ["card payment failed", "my card payment was declined", "how do I change my pin"]
    a, b, c = enc.encode_many(corpus)
    assert abs(float(np.linalg.norm(a)) - 1.0) < 1e-5
    assert float(a @ b) > float(a @ c) + 0.2


def test_state_round_trip_gives_same_vectors() -> None:
    enc = HashedTfidf(dim=512)
    enc.encode_many(["transfer pending", "transfer failed", "top up failed"])
    clone = HashedTfidf.from_state(enc.state())
    v1 = enc.encode("transfer failed again", learn=False)
    v2 = clone.encode("transfer failed again", learn=False)
    assert clone.n_docs == 3 and np.allclose(v1, v2)


def test_make_encoder_rejects_unknown_kind() -> None:
    try:
        make_encoder("bogus")
    except ValueError:
        return
    raise AssertionError("expected ValueError")


def test_semantic_available_is_boolean() -> None:
    assert semantic_available() in (True, False)
