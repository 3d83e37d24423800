"""PROBABLE_MATCH: a row whose ID is broken, missing or a near-miss, matching a known person.

docs/dev/semantics.md. A *stray* row is (a) a row whose ID cell is invalid, mangled,
missing or a 学籍号, or (b) a row whose valid ID is found in no other source and is one
typo (one substituted digit, or two adjacent characters swapped) away from an anchor's
ID. An *anchor* is a row in another row-set (another source or file) with a valid ID, the
same name key and the same birth date. A row's birth date is its birth-date column, else
the date in its ID digits 7–14. A mangled stray also needs the anchor's ID to start with
its surviving digits (14 compared: Excel rounds the 15th). Candidate pairs come from
blocking on (name key, birth date), never from all pairs, and nothing is ever merged.

Two refinements, both flagged in the evidence:

- the typo test of (b) compares the 17-digit bodies: the check character follows from
  the body (GB 11643's MOD 11-2 catches every single substitution and adjacent swap), so
  a typed-over ID that is still valid differs from the true one in its check character too;
- an (a) stray left without an anchor of the same name key is tried once more on the
  toneless pinyin of the name (张伟 ~ 张玮, homophone typos). pypinyin is slow, so it runs
  only on those few leftover strays and the anchors born on their birth dates.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from edupoverty.core import columns as C  # noqa: N812 - the project's alias for column names
from edupoverty.core.columnops import codes_of, is_in, text_ranks
from edupoverty.core.context import RuleContext
from edupoverty.core.findings import RuleSpec, location_refs, make_findings
from edupoverty.core.models import Severity
from edupoverty.core.normalise.ids import IdStatus, mask_id
from edupoverty.core.normalise.names import pinyin_keys

RULE = RuleSpec(code="PROBABLE_MATCH", severity=Severity.LOW, needs=frozenset())

_BROKEN = (IdStatus.INVALID, IdStatus.MANGLED, IdStatus.MISSING, IdStatus.STUDENT_NO)
_PREFIX_COMPARED = 14
"""Surviving digits compared for a mangled ID: Excel rounds the 15th."""
_BODY = 17
_PAIR = ["_s", "_a"]
_KEYS = ["_set", "_nk", "_day", "_len"]
_NO_DAY = np.iinfo(np.int64).min


def _rows(ctx: RuleContext) -> pd.DataFrame:
    """Return ``ctx.own_rows`` with what blocking needs, positions 0..n-1.

    Adds ``_bd`` (birth date: the column, else the ID's) and ``_value`` (the ID text as
    written), and integer keys for blocking: ``_set`` (the row-set: source and file),
    ``_nk`` (the name key), ``_day`` (birth date in days) and ``_len`` (name key length);
    blocking joins on integers, not text (issue #7). Rows paid under a guardian's ID carry
    the pupil's ID but the guardian's birth date, so they take no part.
    """
    rows = ctx.own_rows
    files = text_ranks(rows[C.FILE])
    rows = rows.assign(
        _set=text_ranks(rows[C.SOURCE]) * (int(files.max(initial=0)) + 1) + files,
        _bd=pd.to_datetime(rows[C.BIRTH_DATE]).fillna(pd.to_datetime(rows[C.ID_BIRTH_DATE])),
        _nk=rows["_name"],
        _len=rows[C.NAME_KEY].str.len().fillna(0).astype("int64").to_numpy(),
        _value=rows[C.ID_RAW].astype("string").fillna(rows[C.STUDENT_NO].astype("string")),
    )
    days = rows["_bd"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    rows["_day"] = np.where(rows["_bd"].isna().to_numpy(), _NO_DAY, days)
    return rows


def _pairs(
    keys: pd.DataFrame, strays: npt.NDArray[np.intp], anchors: npt.NDArray[np.intp], on: list[str]
) -> pd.DataFrame:
    """Return (stray, anchor) position pairs sharing the block keys, from different row-sets.

    Args:
        keys: integer key columns of every row (``on`` and ``_set``), positions 0..n-1.
        strays: positions of the strays.
        anchors: positions of the anchors.
        on: the block keys.
    """
    # One integer per block: the keys factorised together, strays first.
    block = np.zeros(len(strays) + len(anchors), dtype=np.int64)
    for column in on:
        values = keys[column].to_numpy()
        codes, distinct = pd.factorize(np.concatenate([values[strays], values[anchors]]))
        block = block * len(distinct) + codes
    block, distinct = pd.factorize(block)
    stray_block, anchor_block = block[: len(strays)], block[len(strays) :]
    # A counting-sort join: each stray's anchors are one run of the anchors sorted by
    # block, found from the block's anchor count without a search.
    by_block = np.argsort(anchor_block, kind="stable")
    per_block = np.bincount(anchor_block, minlength=len(distinct))
    first = (np.cumsum(per_block) - per_block)[stray_block]
    count = per_block[stray_block]
    stray_at = np.repeat(np.arange(len(strays)), count)
    within = np.arange(len(stray_at)) - np.repeat(np.cumsum(count) - count, count)
    anchor_at = by_block[np.repeat(first, count) + within]
    row_set = keys["_set"].to_numpy()
    apart = row_set[strays[stray_at]] != row_set[anchors[anchor_at]]
    return pd.DataFrame({"_s": strays[stray_at][apart], "_a": anchors[anchor_at][apart]})


def _prefix_agrees(rows: pd.DataFrame, pairs: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Return, per pair, whether a mangled stray's surviving digits start the anchor's ID."""
    ok = np.ones(len(pairs), dtype=bool)
    prefix = rows[C.ID_PREFIX].astype("string").str.slice(0, _PREFIX_COMPARED)
    stray_prefix = prefix.iloc[pairs["_s"].to_numpy()].reset_index(drop=True)
    anchor_id = (
        rows[C.PERSON_ID].astype("string").iloc[pairs["_a"].to_numpy()].reset_index(drop=True)
    )
    lengths = stray_prefix.str.len()
    # One vectorised comparison per distinct prefix length (at most 14 of them).
    for n in lengths.dropna().unique():
        hit = (lengths == n).fillna(False).to_numpy(dtype=bool)
        ok[hit] = (anchor_id[hit].str.slice(0, int(n)) == stray_prefix[hit]).to_numpy(dtype=bool)
    return ok


def _broken_pairs(rows: pd.DataFrame, anchors: npt.NDArray[np.intp]) -> pd.DataFrame:
    """Return pairs of (a) strays with their anchors: same name key, else same pinyin."""
    keys = rows[_KEYS]
    broken = is_in(rows[C.ID_STATUS], [s.value for s in _BROKEN]).to_numpy(bool)
    strays = np.flatnonzero(broken & _has_block(rows))
    exact = _pairs(keys, strays, anchors, ["_nk", "_day"])
    exact = exact[_prefix_agrees(rows, exact)].assign(similarity="same_name")
    left = strays[~np.isin(strays, exact["_s"].to_numpy())]
    # Block the homophone pass on birth date and name length: only anchors that could
    # pair with a leftover stray are read out in pinyin.
    block = rows["_day"].to_numpy() * 256 + np.minimum(rows["_len"].to_numpy(), 255)
    near = anchors[np.isin(block[anchors], block[left])]
    if len(left) == 0 or len(near) == 0:
        return exact
    both = np.concatenate([left, near])
    spoken = codes_of(pinyin_keys(rows[C.NAME].iloc[both]))
    keys = keys.assign(_py=-1)
    keys.iloc[both, keys.columns.get_loc("_py")] = spoken
    heard = keys["_py"].to_numpy()
    sounds = _pairs(keys, left[heard[left] >= 0], near[heard[near] >= 0], ["_py", "_day"])
    nk = rows["_nk"].to_numpy()
    sounds = sounds[nk[sounds["_s"].to_numpy()] != nk[sounds["_a"].to_numpy()]]
    sounds = sounds[_prefix_agrees(rows, sounds)].assign(similarity="same_pinyin")
    return pd.concat([exact, sounds], ignore_index=True)


def _has_block(rows: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Rows with a birth date and a name key: the only rows blocking can pair."""
    blockable: npt.NDArray[np.bool_] = (rows["_day"].to_numpy() != _NO_DAY) & (
        rows["_nk"].to_numpy() >= 0
    )
    return blockable


def _id_matrix(ids: pd.Series) -> npt.NDArray[np.uint8]:
    """Return 18-character ASCII IDs as an (n, 18) byte matrix."""
    joined = "".join(ids.astype(str).tolist()).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, 18)


def _one_typo(stray_ids: pd.Series, anchor_ids: pd.Series) -> pd.Series:
    """Return per pair ``substitution``, ``swap`` or <NA>: how the 17-digit bodies differ.

    ``substitution``: exactly one body digit differs; ``swap``: exactly two adjacent body
    digits differ and are each other's.
    """
    a = _id_matrix(stray_ids)[:, :_BODY]
    b = _id_matrix(anchor_ids)[:, :_BODY]
    diff = a != b
    count = diff.sum(axis=1)
    first = diff.argmax(axis=1)
    nxt = np.minimum(first + 1, _BODY - 1)
    r = np.arange(len(a))
    crossed = diff[r, nxt] & (a[r, first] == b[r, nxt]) & (a[r, nxt] == b[r, first]) & (nxt > first)
    edit = pd.Series(pd.NA, index=stray_ids.index, dtype="string")
    edit[count == 1] = "substitution"
    edit[(count == 2) & crossed] = "swap"
    return edit


def _near_id_pairs(rows: pd.DataFrame, anchors: npt.NDArray[np.intp]) -> pd.DataFrame:
    """Return pairs of (b) strays: a valid ID in one source only, one typo from the anchor's."""
    valid = (rows[C.ID_STATUS] == IdStatus.VALID).fillna(False).to_numpy(bool)
    person = rows["_person"].to_numpy()
    source = text_ranks(rows[C.SOURCE])
    known = valid & (person >= 0)
    # Sources per person: mark each (person, source) pair seen, then count per person.
    width = int(source.max(initial=0)) + 1
    seen = np.zeros((int(person.max(initial=0)) + 1) * width, dtype=bool)
    seen[person[known] * width + source[known]] = True
    sources = seen.reshape(-1, width).sum(axis=1)
    lonely = known & (sources[np.maximum(person, 0)] == 1)
    candidates = np.flatnonzero(lonely & _has_block(rows))
    pairs = _pairs(rows[_KEYS], candidates, anchors, ["_nk", "_day"])
    pairs = pairs[person[pairs["_s"].to_numpy()] != person[pairs["_a"].to_numpy()]]
    if pairs.empty:
        return pairs.assign(similarity=pd.Series(dtype="string"), edit=pd.Series(dtype="string"))
    pairs = pairs.reset_index(drop=True)
    ids = rows[C.PERSON_ID]
    stray_ids = ids.iloc[pairs["_s"].to_numpy()].reset_index(drop=True)
    anchor_ids = ids.iloc[pairs["_a"].to_numpy()].reset_index(drop=True)
    edit = _one_typo(stray_ids, anchor_ids)
    pairs = pairs.assign(edit=edit, similarity="same_name")
    return pairs[pairs["edit"].notna()]


def detect(ctx: RuleContext) -> pd.DataFrame:
    """Return one finding per stray row that matches anchors in other row-sets.

    Reads ``id_status, id_raw, student_no, person_id, id_prefix, name, name_key,
    birth_date, id_birth_date`` of every source and the ledger's ``linked_via``. The
    finding's ``person_id`` is the first anchor's ID; ``related`` lists every anchor row.
    """
    rows = _rows(ctx)
    valid = (rows[C.ID_STATUS] == IdStatus.VALID).fillna(False).to_numpy(bool)
    anchors = np.flatnonzero(valid & _has_block(rows)) if len(rows) else np.array([], np.intp)
    if len(anchors) == 0:
        return make_findings(RULE, rows.iloc[0:0])
    pairs = pd.concat(
        [_broken_pairs(rows, anchors), _near_id_pairs(rows, anchors)], ignore_index=True
    )
    if pairs.empty:
        return make_findings(RULE, rows.iloc[0:0])
    # Exact-name anchors before homophones, then in location order.
    pairs = pairs.assign(_rank=(pairs["similarity"] != "same_name").astype(int))
    pairs = pairs.sort_values(["_s", "_rank", "_a"], kind="stable").drop_duplicates(_PAIR)
    best = pairs.drop_duplicates("_s").set_index("_s")
    anchor_rows = rows.loc[pairs["_a"].to_numpy()]
    refs = pd.Series(location_refs(anchor_rows).to_numpy(), index=pairs["_s"].to_numpy())
    related = refs.groupby(level=0, sort=False).agg(";".join)
    anchor_ids = pd.Series(anchor_rows[C.PERSON_ID].to_numpy(), index=pairs["_s"].to_numpy())

    located = rows.loc[best.index].copy()
    first = rows.loc[best["_a"].to_numpy()].set_axis(best.index)
    status = located[C.ID_STATUS].astype("string")
    kind = status.where(status != IdStatus.VALID, "near_id")
    pinyin = np.where(best["similarity"] == "same_pinyin", "_pinyin", "")
    located[C.PERSON_ID] = first[C.PERSON_ID]
    located["related"] = related.reindex(located.index)
    value = located["_value"]
    return make_findings(
        RULE,
        located,
        evidence={
            "id_status": status,
            "stray_id": value,
            "stray_id_masked": value.fillna("").map(mask_id),
            "anchor_id": first[C.PERSON_ID],
            "anchor_id_masked": first[C.PERSON_ID].fillna("").map(mask_id),
            "anchor_name": first[C.NAME],
            "anchor_file": first[C.FILE],
            "anchor_sheet": first[C.SHEET],
            "anchor_row": first[C.ROW],
            "name_key": located[C.NAME_KEY],
            "anchor_name_key": first[C.NAME_KEY],
            "birth_date": located["_bd"].dt.strftime("%Y-%m-%d"),
            "similarity": best["similarity"],
            "edit": best["edit"] if "edit" in best else pd.Series(pd.NA, index=best.index),
            "id_prefix": located[C.ID_PREFIX],
            "anchor_count": anchor_ids.groupby(level=0).nunique().reindex(located.index),
        },
        message_variant=pd.Series("message_" + kind + pinyin, index=located.index),
    )
