#!/usr/bin/env python3
"""Checks a half of the analysis corpus (tuning/ or held-out/).

    python3 check.py tuning            # one half
    python3 check.py tuning held-out   # both halves, plus cross-half coverage

Parses every transcript the way shared/src/transcript/ does (a Python port of
decode, detect, webvtt, srt, cues, markup, speaker, plain, json, normalize and
text::spoken_words), then checks the labels against it:

* every quote / retraction_quote / restated_quote is an exact substring of
  exactly one parsed utterance, spoken by the labelled person, and lies
  inside one cue / segment / turn (never spans two);
* speaker labels match the speakers the parser finds (no more, no fewer);
* owners, risk clients, `to` targets are participants with the right role;
* due dates follow meta.due_rules (recomputed from held_at and due_phrase);
* severities and `kind` follow the category; counts and coverage hold.

Prints a coverage table and exits non-zero when anything fails. Messages name
ids, fields and counts only, so the output of a held-out run does not reveal
its content.
"""
import calendar
import datetime as dt
import json
import os
import re
import sys

# ---------------------------------------------------------------- parsing

NON_SPEAKER_LABELS = {
    "action items", "agenda", "attendees", "date", "duration", "edit", "example", "important", "link",
    "location", "meeting", "n.b.", "nb", "note", "notes", "p.s.", "participants", "ps", "recorded",
    "recording", "session", "source", "subject", "summary", "time", "tip", "title", "topic",
    "transcript", "update", "warning",
}
NAME_PARTICLES = {"al", "bin", "da", "de", "del", "della", "der", "di", "du", "el", "ibn", "la", "le",
                  "van", "von", "y"}
UNKNOWN = "Unknown speaker"


def decode(raw):
    if raw.startswith(b"\xef\xbb\xbf"):
        text = raw[3:].decode("utf-8")
    elif raw.startswith(b"\xff\xfe") or raw.startswith(b"\xfe\xff"):
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_clock(stamp):
    m = re.search(r"[.,]", stamp)
    clock, frac = (stamp[:m.start()], stamp[m.start() + 1:]) if m else (stamp, None)
    fields = clock.split(":")[:4]
    if not all(f.isdigit() and len(f) <= 9 and f.isascii() for f in fields):
        return None
    fields = [int(f) for f in fields]
    if len(fields) == 2:
        h, mi, s = 0, fields[0], fields[1]
    elif len(fields) == 3 and fields[1] < 60:
        h, mi, s = fields
    else:
        return None
    if s >= 60:
        return None
    ms = 0
    if frac is not None:
        if not frac or not (frac.isdigit() and frac.isascii()):
            return None
        ms = int((frac + "000")[:3])
    return ((h * 3600 + mi * 60 + s) * 1000) + ms


def is_timing_candidate(line):
    if "-->" not in line:
        return False
    left = line.split("-->", 1)[0].strip()
    return bool(left) and left[0].isdigit() and left[0].isascii() and ":" in left


def parse_timing(line):
    left, right = line.split("-->", 1)
    a = parse_clock(left.strip())
    parts = right.split()
    b = parse_clock(parts[0]) if parts else None
    if a is None or b is None:
        return None
    return a, max(a, b)


def is_name_char(c):
    return c.isalnum() or c.isspace() or c in ".'’-_()&@"


def is_speaker_name(name, plain):
    words = name.split()
    ok = (bool(name) and name[0].isalpha() and 1 <= len(words) <= 5 and len(name) <= 60
          and all(is_name_char(c) for c in name))
    if not ok or name.lower() in NON_SPEAKER_LABELS:
        return False
    if not plain:
        return True
    for w in words:
        first = w.lstrip("(")[:1]
        if not ((first and not first.islower()) or w in NAME_PARTICLES):
            return False
    return True


def split_label(line):
    m = re.search(r":[ \t]", line)
    if not m:
        return None
    return line[:m.start()], line[m.start() + 2:]


def split_speaker_prefix(line, plain):
    s = split_label(line)
    if not s:
        return None
    name = s[0].strip()
    return (name, s[1].lstrip()) if is_speaker_name(name, plain) else None


def voice_spans(line):
    """Returns [(voice or None, text)], markup stripped (entities not needed here)."""
    spans = [[None, ""]]
    i = 0
    while True:
        m = re.search(r"[<{]", line[i:])
        if not m:
            spans[-1][1] += line[i:]
            break
        at = i + m.start()
        spans[-1][1] += line[i:at]
        rest = line[at:]
        open_, close = ("<", ">") if rest[0] == "<" else ("{", "}")
        length = None
        if len(rest) > 1:
            second = rest[1]
            looks = (second.isascii() and second.isalnum() or second == "/") if open_ == "<" else second == "\\"
            if looks:
                j = re.search(re.escape(close) + "|" + re.escape(open_), rest[1:])
                if j:
                    end = j.start() + 1
                    if rest[end] == close:
                        length = end + 1
        if length is None:
            spans[-1][1] += rest[0]
            i = at + 1
            continue
        body = rest[1:length - 1]
        if body.startswith("v") and (len(body) == 1 or body[1] in ". \t"):
            parts = re.split(r"\s", body[1:], maxsplit=1)
            name = parts[1].strip() if len(parts) == 2 else ""
            spans.append([name, ""])
        i = at + length
    return spans


def scan_cues(lines, is_identifier):
    idx = [i for i, l in enumerate(lines) if is_timing_candidate(l)]
    cues = []
    for k, ti in enumerate(idx):
        t = parse_timing(lines[ti])
        if t is None:
            raise ValueError(f"malformed timing at line {ti + 1}")
        end = idx[k + 1] if k + 1 < len(idx) else len(lines)
        if end < len(lines) and end > ti + 1 and is_identifier(lines, end - 1):
            end -= 1
        payload = [l.strip() for l in lines[ti + 1:end] if l.strip()]
        cues.append((t[0], t[1], payload))
    return cues


def cues_to_segments(cues):
    """Raw segments (speaker, text, cue_no) before normalisation."""
    out, current = [], None
    for n, (a, b, lines) in enumerate(cues):
        segs = [[None, ""]]
        for line in lines:
            spans = voice_spans(line)
            if any(v for v, _ in spans if v):
                for v, t in spans:
                    if v:
                        segs.append([v, t])
                    else:
                        _append(segs, t)
                continue
            plain = "".join(t for _, t in spans)
            sp = split_speaker_prefix(plain, plain=False)
            if sp:
                segs.append([sp[0], sp[1]])
            else:
                _append(segs, plain)
        segs = [s for s in segs if s[0] is not None or s[1].strip()]
        for v, t in segs:
            if v is not None:
                current = v
            out.append((current or UNKNOWN, t, n))
    return out


def _append(segs, text):
    if segs[-1][1]:
        segs[-1][1] += " "
    segs[-1][1] += text


def parse_webvtt(text):
    lines = text.split("\n")
    first = text.lstrip().split("\n", 1)[0]
    in_header = first.startswith("WEBVTT") and (first == "WEBVTT" or first[6:7] in (" ", "\t"))
    in_skip, prev_blank, seen = False, True, False
    for i, line in enumerate(lines):
        blank = not line.strip()
        if blank:
            in_header = in_header and not seen
            in_skip = False
        elif in_header and is_timing_candidate(line):
            in_header = False
        elif prev_blank and any(line.startswith(k) and (line == k or line[len(k)] in " \t")
                                for k in ("NOTE", "STYLE", "REGION")):
            in_skip = True
        prev_blank = blank
        seen = seen or not blank
        if in_header or in_skip:
            lines[i] = ""

    def ident(ls, i):
        return (i == 0 or not ls[i - 1].strip()) and bool(ls[i].strip())
    return cues_to_segments(scan_cues(lines, ident))


def parse_srt(text):
    def ident(ls, i):
        s = ls[i].strip()
        return bool(s) and s.isdigit() and s.isascii()
    return cues_to_segments(scan_cues(text.split("\n"), ident))


def _leading_stamp(text):
    if not text or text[0] not in "[(":
        return None
    close = "]" if text[0] == "[" else ")"
    end = text.find(close)
    if end < 0:
        return None
    st = parse_clock(text[1:end].strip())
    return None if st is None else (st, text[end + 1:].lstrip())


def parse_plain(text):
    turns = []
    for line in (l.strip() for l in text.split("\n")):
        if not line:
            continue
        turn = None
        ls = _leading_stamp(line)
        rest = ls[1] if ls else line
        sl = split_label(rest)
        if sl:
            label = sl[0].strip()
            m = re.match(r"^(.*?)\s*[\[(]([^\[\]()]*)[\])]$", label)
            if m and parse_clock(m.group(2).strip()) is not None:
                label = m.group(1).rstrip()
            if is_speaker_name(label, plain=True):
                body = sl[1].strip()
                ts = _leading_stamp(body)
                turn = [label, ts[1] if ts else body]
        if turn:
            turns.append(turn)
        elif turns:
            turns[-1][1] += " " + line
    if not turns:
        raise ValueError("no speaker turns")
    return [(s, t, n) for n, (s, t) in enumerate(turns)]


def looks_like_json(text):
    t = text.lstrip()
    if t.startswith("{"):
        return True
    return t.startswith("[") and (not t[1:].lstrip() or t[1:].lstrip()[0] in "{]")


def parse_json(text):
    data = json.loads(text)
    if isinstance(data, dict):
        data = data.get("utterances", data.get("segments"))
    out = []
    for n, it in enumerate(data):
        sp = it.get("speaker", it.get("speaker_name", it.get("name")))
        if isinstance(sp, int):
            sp = f"Speaker {sp}"
        out.append((sp or UNKNOWN, it.get("text") or "", n))
    return out


def detect(text, filename):
    first = text.lstrip().split("\n", 1)[0]
    if first.startswith("WEBVTT") and (first == "WEBVTT" or first[6:7] in (" ", "\t")):
        return "webvtt"
    if looks_like_json(text):
        return "json"
    if any(is_timing_candidate(l) for l in [l for l in text.split("\n") if l.strip()][:50]):
        return "webvtt" if filename.lower().endswith((".vtt", ".webvtt")) else "srt"
    return "plain"


def parse_file(path):
    """Returns (format, raw segments [(speaker, text, cue_no)], utterances [(speaker, text, {cue_nos})])."""
    with open(path, "rb") as fh:
        raw = fh.read()
    text = decode(raw)
    fmt = detect(text, path)
    segs = {"webvtt": parse_webvtt, "srt": parse_srt, "plain": parse_plain, "json": parse_json}[fmt](text)
    utts = []
    for sp, t, n in segs:
        t = " ".join(t.split())
        sp = " ".join(sp.split()) or UNKNOWN
        if not t:
            continue
        if utts and utts[-1][0] == sp:
            utts[-1][1] += " " + t
            utts[-1][2].append((n, t))
        else:
            utts.append([sp, t, [(n, t)]])
    return fmt, segs, utts


def without_annotations(text):
    return re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", text)


def spoken_words(text):
    return sum(1 for tok in without_annotations(text).split() if any(c.isalnum() for c in tok))


def word_stats(path, session):
    _, _, utts = parse_file(path)
    coach = next(p["speaker_label"] for p in session["participants"] if p["role"] == "coach")
    total = sum(spoken_words(u[1]) for u in utts)
    coach_words = sum(spoken_words(u[1]) for u in utts if u[0] == coach)
    return total, round(coach_words / total, 3)

# ---------------------------------------------------------------- dates

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
    "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
    "twentieth": 20, "thirtieth": 30,
}
for _tens, _base in (("twenty", 20), ("thirty", 30)):
    for _w, _n in list(ORDINAL_WORDS.items()):
        if _n < 10 and _base + _n <= 31:
            ORDINAL_WORDS[f"{_tens}-{_w}"] = _base + _n
            ORDINAL_WORDS[f"{_tens} {_w}"] = _base + _n
TODAY_WORDS = ["today", "tonight", "this afternoon", "this evening", "once we hang up", "straight after this",
               "right after this call", "after this call", "after this"]


def easter(year):
    a = year % 19; b, c = divmod(year, 100); d, e = divmod(b, 4); f = (b + 8) // 25; g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30; i, k = divmod(c, 4); l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451; month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def nth_weekday(year, month, weekday, n):
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1) if dt.date(year, month, d).weekday() == weekday]
    return dt.date(year, month, days[n] if n >= 0 else days[n])


def holiday_date(name, year):
    fixed = {"new year's day": (1, 1), "valentine's day": (2, 14), "independence day": (7, 4), "fourth of july": (7, 4),
             "july fourth": (7, 4), "halloween": (10, 31), "christmas eve": (12, 24), "christmas day": (12, 25),
             "christmas": (12, 25), "boxing day": (12, 26), "new year's eve": (12, 31)}
    if name in fixed:
        return dt.date(year, *fixed[name])
    if name == "thanksgiving":
        return nth_weekday(year, 11, 3, 3)
    if name in ("easter sunday", "easter"):
        return easter(year)
    if name == "good friday":
        return easter(year) - dt.timedelta(days=2)
    if name == "easter monday":
        return easter(year) + dt.timedelta(days=1)
    if name == "memorial day":
        return nth_weekday(year, 5, 0, -1)
    if name == "labor day":
        return nth_weekday(year, 9, 0, 0)
    if name == "mother's day":
        return nth_weekday(year, 5, 6, 1)
    if name == "father's day":
        return nth_weekday(year, 6, 6, 2)
    raise KeyError(name)


HOLIDAY_NAMES = ["new year's day", "valentine's day", "independence day", "fourth of july", "july fourth", "halloween",
                 "christmas eve", "christmas day", "boxing day", "new year's eve", "thanksgiving", "easter sunday",
                 "good friday", "easter monday", "easter", "memorial day", "labor day", "mother's day", "father's day",
                 "christmas"]


def expected_due(rule, phrase, held):
    """Returns (due or None, ordinal_form or None, rolled_over bool)."""
    p = (phrase or "").lower().replace("’", "'")
    if rule == "today":
        assert any(w in p for w in TODAY_WORDS), "today phrase"
        return held, None, False
    if rule == "tomorrow":
        assert "tomorrow" in p, "tomorrow phrase"
        return held + dt.timedelta(days=1), None, False
    if rule == "weekday":
        wd = [i for i, w in enumerate(WEEKDAYS) if re.search(r"\b" + w + r"\b", p)]
        assert len(wd) == 1, "weekday phrase"
        delta = (wd[0] - held.weekday()) % 7 or 7
        return held + dt.timedelta(days=delta), None, False
    if rule == "ordinal":
        m = re.search(r"\b(\d{1,2})(st|nd|rd|th)\b", p)
        if m:
            day, form = int(m.group(1)), "digits"
        else:
            hits = [(len(w), n) for w, n in ORDINAL_WORDS.items() if re.search(r"\bthe " + re.escape(w) + r"\b", p)]
            assert hits, "ordinal phrase"
            day, form = max(hits)[1], "words"
        if day >= held.day:
            return dt.date(held.year, held.month, day), form, False
        y, mo = (held.year + 1, 1) if held.month == 12 else (held.year, held.month + 1)
        return dt.date(y, mo, day), form, True
    if rule == "end_of_month":
        assert "end of the month" in p or "end of this month" in p, "end_of_month phrase"
        return dt.date(held.year, held.month, calendar.monthrange(held.year, held.month)[1]), None, False
    if rule == "holiday":
        names = [n for n in HOLIDAY_NAMES if n in p]
        assert names, "holiday phrase"
        name = max(names, key=len)
        d = holiday_date(name, held.year)
        if d < held:
            d = holiday_date(name, held.year + 1)
        return d, None, d.year != held.year
    if rule in ("recurring", "vague", "none"):
        return None, None, False
    raise AssertionError(f"unknown due_rule {rule}")

# ---------------------------------------------------------------- checks

FORMATS = ["webvtt_zoom", "webvtt_teams", "webvtt_bom_crlf", "srt_names", "srt_speaker_numbers", "plain_turns",
           "plain_timestamped", "json_utterances"]
PARSED_AS = {"webvtt_zoom": "webvtt", "webvtt_teams": "webvtt", "webvtt_bom_crlf": "webvtt", "srt_names": "srt",
             "srt_speaker_numbers": "srt", "plain_turns": "plain", "plain_timestamped": "plain",
             "json_utterances": "json"}
CATEGORIES = {"self_harm": "urgent", "harm_to_others": "urgent", "safeguarding": "urgent",
              "medical_red_flag": "urgent", "substance_use": None, "burnout": "watch", "hopelessness": "watch",
              "panic_anxiety": "watch", "not_eating": "watch", "abuse_harassment": "watch"}
BOTH_HALVES = ["self_harm", "medical_red_flag", "safeguarding", "harm_to_others"]
COACH_KINDS = ["health", "executive", "career", "life"]
DUE_RULES = ["today", "tomorrow", "weekday", "ordinal", "end_of_month", "holiday", "recurring", "vague", "none"]
REQUIRED_RULES = ["today", "tomorrow", "weekday", "ordinal", "end_of_month", "holiday", "recurring", "vague"]


class Checker:
    def __init__(self):
        self.errors = []

    def fail(self, where, msg):
        self.errors.append(f"{where}: {msg}")

    def check_format_bytes(self, sid, fmt, raw, text):
        need = {
            "webvtt_bom_crlf": [raw.startswith(b"\xef\xbb\xbf"), b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b""),
                                re.search(r"(?m)^NOTE\b", text) is not None, re.search(r"(?m)^STYLE$", text) is not None,
                                re.search(r"(?m)^\d\d:\d\d\.\d{3} --> \d\d:\d\d\.\d{3}", text) is not None],
            "webvtt_teams": ["<v " in text, re.search(r"(?m)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/\d+-\d+$", text) is not None],
            "webvtt_zoom": ["<v " not in text, re.search(r"(?m)^\d+$", text) is not None],
            "srt_names": [re.search(r"(?m)^\d\d:\d\d:\d\d,\d{3} --> ", text) is not None, "Speaker 1:" not in text],
            "srt_speaker_numbers": [re.search(r"(?m)^\d\d:\d\d:\d\d,\d{3} --> ", text) is not None, "Speaker 1:" in text],
            "plain_turns": [re.search(r"\[(laughs|pause|sighs|crosstalk|laughter)\]", text) is not None,
                            re.search(r"(?m)^\[\d\d:\d\d:\d\d\]", text) is None],
            "plain_timestamped": [re.search(r"(?m)^\[\d\d:\d\d:\d\d\] [A-Z]", text) is not None],
            "json_utterances": [text.lstrip().startswith("[")],
        }[fmt]
        if not all(need):
            self.fail(sid, f"file does not show the features of format {fmt}: {need}")
        if fmt != "webvtt_bom_crlf" and (raw.startswith(b"\xef\xbb\xbf") or b"\r" in raw):
            self.fail(sid, "unexpected BOM/CR in a non-BOM/CRLF file")

    def check_half(self, folder):
        labels_path = os.path.join(folder, "labels.json")
        with open(labels_path, encoding="utf-8") as fh:
            labels = json.load(fh)
        meta, sessions = labels["meta"], labels["sessions"]
        split = meta.get("split")
        half = os.path.basename(os.path.normpath(folder))
        if split != half:
            self.fail(half, f"meta.split is {split!r}")
        for key in ("description", "due_rules", "holidays", "risk_categories"):
            if key not in meta:
                self.fail(half, f"meta.{key} missing")
        prefix = "t" if split == "tuning" else "h"
        stats = {"sessions": 0, "formats": set(), "coach_kinds": set(), "groups": [], "rules": set(),
                 "ordinal_forms": set(), "ordinal_rollover": 0, "risk_sessions": 0, "lookalike_only": 0,
                 "plain_sessions": 0, "categories": set(), "retracted_sessions": 0, "to_one": 0, "to_all": 0,
                 "context_resolved": 0, "restated": 0, "non_commitments": 0, "negations": 0,
                 "coach_questions": 0, "fp_types": set(), "long": 0, "words": [], "commitments": 0,
                 "risks": 0, "fps": 0, "urgent": 0, "watch": 0, "rows": []}
        seen_ids = set()
        for s in sessions:
            sid = s.get("id", "?")
            stats["sessions"] += 1
            if not re.fullmatch(prefix + r"0[1-9]|" + prefix + r"[1-9]\d", sid) or sid in seen_ids:
                self.fail(sid, "bad or duplicate id")
            seen_ids.add(sid)
            self.check_session(folder, s, stats)
        self.check_coverage(half, stats)
        return stats

    def find(self, sid, utts, quote, field, speaker_label):
        hits = [i for i, u in enumerate(utts) if quote in u[1]]
        if len(hits) != 1:
            self.fail(sid, f"{field} found in {len(hits)} utterances (need exactly 1): {quote[:0]}len={len(quote)}")
            return None
        i = hits[0]
        if not any(quote in t for _, t in utts[i][2]):
            self.fail(sid, f"{field} spans two cues/segments")
        if speaker_label is not None and utts[i][0] != speaker_label:
            self.fail(sid, f"{field} is spoken by another speaker than labelled")
        return i

    def check_session(self, folder, s, st):
        sid = s["id"]
        for key in ("coach_kind", "file", "format", "kind", "held_at", "participants", "themes", "overview",
                    "commitments", "retracted_commitments", "non_commitments", "risk_flags", "risk_false_positives"):
            if key not in s:
                self.fail(sid, f"missing {key}")
                return
        path = os.path.join(folder, "transcripts", s["file"])
        with open(path, "rb") as fh:
            raw = fh.read()
        text = decode(raw)
        fmt = s["format"]
        if fmt not in FORMATS:
            self.fail(sid, f"unknown format {fmt}")
            return
        self.check_format_bytes(sid, fmt, raw, text)
        parsed_as, segs, utts = parse_file(path)
        if parsed_as != PARSED_AS[fmt]:
            self.fail(sid, f"parser detects {parsed_as}, label says {fmt}")
        if s["coach_kind"] not in COACH_KINDS:
            self.fail(sid, "bad coach_kind")
        held = dt.date.fromisoformat(s["held_at"])
        people = {p["name"]: p for p in s["participants"]}
        label_of = {p["name"]: p["speaker_label"] for p in s["participants"]}
        coaches = [p for p in s["participants"] if p["role"] == "coach"]
        clients = [p for p in s["participants"] if p["role"] == "client"]
        if len(coaches) != 1 or len(clients) + 1 != len(s["participants"]):
            self.fail(sid, "need exactly one coach, the rest clients")
        coach = coaches[0]["name"] if coaches else None
        speakers = {u[0] for u in utts}
        if speakers != set(label_of.values()):
            self.fail(sid, f"parsed speakers differ from participant labels ({len(speakers)} vs {len(label_of)})")
        if s["kind"] == "one_to_one" and len(clients) != 1:
            self.fail(sid, "one_to_one needs one client")
        if s["kind"] == "group":
            if not 2 <= len(clients) <= 5:
                self.fail(sid, "group needs 2-5 clients")
            st["groups"].append(len(s["participants"]))
        if not 3 <= len(s["themes"]) <= 6:
            self.fail(sid, "themes: need 3-6")
        if len(s["overview"].split(". ")) > 4:
            self.fail(sid, "overview too long")
        words = sum(spoken_words(u[1]) for u in utts)
        cw = sum(spoken_words(u[1]) for u in utts if u[0] == label_of.get(coach))
        if s.get("word_count") != words or abs(s.get("talk_share", -1) - round(cw / words, 3)) > 0.0005:
            self.fail(sid, f"word_count/talk_share stale (parsed {words})")
        st["words"].append(words)
        if 4000 <= words <= 6000:
            st["long"] += 1
        elif not 700 <= words <= 2000:
            self.fail(sid, f"length {words} is neither 700-2000 nor 4000-6000")
        st["formats"].add(fmt)
        st["coach_kinds"].add(s["coach_kind"])

        # commitments
        cs = s["commitments"]
        if not 4 <= len(cs) <= 10:
            self.fail(sid, f"{len(cs)} commitments (need 4-10)")
        st["commitments"] += len(cs)
        used_quotes = set()
        for n, c in enumerate(cs):
            where = f"{sid} commitment {n}"
            owner = c.get("owner")
            if owner not in people:
                self.fail(where, "owner is not a participant")
                continue
            self.find(where, utts, c["quote"], "quote", label_of[owner])
            if c["quote"] in used_quotes:
                self.fail(where, "quote used twice")
            used_quotes.add(c["quote"])
            if c.get("restated_quote"):
                self.find(where, utts, c["restated_quote"], "restated_quote", label_of[owner])
                st["restated"] += 1
            if c.get("context_resolved"):
                st["context_resolved"] += 1
            if people[owner]["role"] == "coach":
                to = c.get("to")
                if to == "all":
                    if s["kind"] != "group":
                        self.fail(where, "to=all outside a group")
                    st["to_all"] += 1
                elif to in people and people[to]["role"] == "client":
                    if s["kind"] == "group":
                        st["to_one"] += 1
                else:
                    self.fail(where, "coach commitment needs `to` (a client name or 'all')")
            elif "to" in c:
                self.fail(where, "client commitment must not have `to`")
            rule = c.get("due_rule")
            if rule not in DUE_RULES:
                self.fail(where, f"bad due_rule {rule}")
                continue
            st["rules"].add(rule)
            if rule != "none":
                phrase = c.get("due_phrase")
                if not phrase:
                    self.fail(where, "due_phrase missing")
                    continue
                i = next((k for k, u in enumerate(utts) if c["quote"] in u[1]), None)
                window = " ".join(u[1] for u in utts[max(0, (i or 0) - 3):(i or 0) + 2])
                if phrase.lower() not in window.lower():
                    self.fail(where, "due_phrase not found near the quote")
            try:
                due, form, rolled = expected_due(rule, c.get("due_phrase"), held)
            except (AssertionError, KeyError, ValueError) as e:
                self.fail(where, f"cannot resolve due_phrase for rule {rule} ({e})")
                continue
            if form:
                st["ordinal_forms"].add(form)
            if rolled and rule == "ordinal":
                st["ordinal_rollover"] += 1
            got = c.get("due")
            if (due.isoformat() if due else None) != got:
                self.fail(where, f"due {got} but rule {rule} gives {due}")
            if bool(c.get("recurring")) != (rule == "recurring"):
                self.fail(where, "recurring must be true exactly for rule 'recurring'")
        for n, r in enumerate(s["retracted_commitments"]):
            where = f"{sid} retracted {n}"
            if r.get("owner") not in people:
                self.fail(where, "owner is not a participant")
                continue
            qi = self.find(where, utts, r["quote"], "quote", label_of[r["owner"]])
            ri = self.find(where, utts, r["retraction_quote"], "retraction_quote", None)
            if qi is not None and ri is not None and ri < qi:
                self.fail(where, "retraction comes before the commitment")
            if r["quote"] in used_quotes:
                self.fail(where, "retracted quote also labelled as a commitment")
        if s["retracted_commitments"]:
            st["retracted_sessions"] += 1
        for n, nc in enumerate(s["non_commitments"]):
            where = f"{sid} non_commitment {n}"
            if nc.get("speaker") not in people:
                self.fail(where, "speaker is not a participant")
                continue
            self.find(where, utts, nc["quote"], "quote", label_of[nc["speaker"]])
            st["non_commitments"] += 1

        # risks
        flags = s["risk_flags"]
        for n, r in enumerate(flags):
            where = f"{sid} risk {n}"
            if r.get("client") not in people or people[r["client"]]["role"] != "client":
                self.fail(where, "risk client must be a client participant")
                continue
            cat = r.get("category")
            if cat not in CATEGORIES:
                self.fail(where, f"unknown category {cat}")
                continue
            if r.get("kind") != cat:
                self.fail(where, "kind must equal category")
            sev = r.get("severity")
            if CATEGORIES[cat] and sev != CATEGORIES[cat] or sev not in ("urgent", "watch"):
                self.fail(where, f"severity {sev} wrong for {cat}")
            st[sev] = st.get(sev, 0) + 1
            st["categories"].add(cat)
            self.find(where, utts, r["quote"], "quote", label_of[r["client"]])
        fps = s["risk_false_positives"]
        for n, f in enumerate(fps):
            where = f"{sid} false_positive {n}"
            if f.get("speaker") not in people:
                self.fail(where, "speaker is not a participant")
                continue
            if f.get("looks_like") not in CATEGORIES:
                self.fail(where, "looks_like must be a category id")
            self.find(where, utts, f["quote"], "quote", label_of[f["speaker"]])
            if any(f["quote"] in r["quote"] or r["quote"] in f["quote"] for r in flags):
                self.fail(where, "false positive overlaps a real flag")
            t = f.get("type")
            st["fp_types"].add(t)
            if t == "negation":
                st["negations"] += 1
            if t == "coach_question":
                st["coach_questions"] += 1
                if people[f["speaker"]]["role"] != "coach":
                    self.fail(where, "coach_question must be spoken by the coach")
        st["risks"] += len(flags)
        st["fps"] += len(fps)
        if flags:
            st["risk_sessions"] += 1
            risk = "risk"
        elif fps:
            st["lookalike_only"] += 1
            risk = "look-alike"
        else:
            st["plain_sessions"] += 1
            risk = "none"
        rules = sorted({c.get("due_rule") for c in cs})
        st["rows"].append((sid, s["coach_kind"], fmt, s["kind"], len(s["participants"]), words, len(cs),
                           len(s["retracted_commitments"]), len(s["non_commitments"]), len(flags), len(fps), risk,
                           ",".join(sorted({r["category"] for r in flags})) or "-", ",".join(rules)))

    def check_coverage(self, half, st):
        def need(cond, msg):
            if not cond:
                self.fail(half, "coverage: " + msg)
        need(st["sessions"] >= 7, "at least 7 sessions")
        need(set(COACH_KINDS) <= st["coach_kinds"], "every coach kind")
        need(len(st["groups"]) >= 2 and len(set(st["groups"])) >= 2 and all(3 <= g <= 6 for g in st["groups"]),
             "two or more groups of different sizes (3-6 people)")
        need(len(st["formats"]) >= 5, "at least 5 formats")
        need(st["long"] >= 1, "one long session (4000-6000 words)")
        need(st["risk_sessions"] >= 3, "3+ sessions with real risk")
        need(st["lookalike_only"] >= 3, "3+ sessions with look-alikes only")
        need(st["plain_sessions"] >= 1, "a plain session without risk or look-alikes")
        need(set(BOTH_HALVES) <= st["categories"], "self_harm, medical_red_flag, safeguarding, harm_to_others")
        need(set(REQUIRED_RULES) <= st["rules"], f"due rules missing {set(REQUIRED_RULES) - st['rules']}")
        need(st["ordinal_forms"] == {"words", "digits"}, "ordinals in words and in digits")
        need(st["ordinal_rollover"] >= 1, "an ordinal rolling into the next month")
        need(st["retracted_sessions"] >= 2, "retracted commitments in 2+ sessions")
        need(st["to_one"] >= 1 and st["to_all"] >= 1, "coach promises in groups to one member and to all")
        need(st["context_resolved"] >= 1, "a commitment whose object comes from context")
        need(st["restated"] >= 1, "a restated commitment")
        need(st["non_commitments"] >= 1, "non_commitments")
        need(st["negations"] >= 1 and st["coach_questions"] >= 1, "negations and coach safety questions")


def print_table(half, st):
    """Held-out runs print counts only: no coach kinds, categories or rules per session."""
    blind = half != "tuning"
    print(f"\n== {half}: {st['sessions']} sessions, {sum(st['words'])} words, {st['commitments']} commitments, "
          f"{st['risks']} risk flags ({st.get('urgent', 0)} urgent, {st.get('watch', 0)} watch), {st['fps']} look-alikes")
    head = ("id", "kind", "format", "type", "people", "words", "commit", "retract", "non-c", "risks", "look-al", "risk?", "categories", "due rules")
    keep = [0, 2, 3, 4, 5, 6, 7, 8, 9, 10] if blind else list(range(len(head)))
    rows = [tuple(head[i] for i in keep)] + [tuple(str(r[i]) for i in keep) for r in st["rows"]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(keep))]
    for r in rows:
        print("  " + "  ".join(x.ljust(w) for x, w in zip(r, widths)))
    print(f"  coach kinds: {len(st['coach_kinds'])}/4" if blind else f"  coach kinds: {sorted(st['coach_kinds'])}")
    print(f"  formats ({len(st['formats'])}): {sorted(st['formats'])}")
    print(f"  groups (people): {sorted(st['groups'])}; long sessions: {st['long']}")
    print(f"  sessions with risk / look-alikes only / plain: {st['risk_sessions']} / {st['lookalike_only']} / {st['plain_sessions']}")
    if blind:
        print(f"  risk categories: {len(st['categories'])}/10; required four present: {set(BOTH_HALVES) <= st['categories']}")
        print(f"  due rules: {len(st['rules'])}/{len(DUE_RULES)}; ordinal forms: {len(st['ordinal_forms'])}/2; rollovers: {st['ordinal_rollover']}")
    else:
        print(f"  risk categories: {sorted(st['categories'])}")
        print(f"  due rules: {sorted(st['rules'])}; ordinal forms: {sorted(st['ordinal_forms'])}; rollovers: {st['ordinal_rollover']}")
    print(f"  retracted in {st['retracted_sessions']} sessions; coach->one member {st['to_one']}, coach->all {st['to_all']}; "
          f"context-resolved {st['context_resolved']}; restated {st['restated']}; non-commitments {st['non_commitments']}")
    types = f"{len([t for t in st['fp_types'] if t])} kinds" if blind else sorted(t for t in st['fp_types'] if t)
    print(f"  look-alike types: {types}; negations {st['negations']}; coach questions {st['coach_questions']}")


def main(argv):
    if not argv:
        print(__doc__)
        return 2
    checker = Checker()
    all_stats = {}
    for folder in argv:
        try:
            all_stats[folder] = checker.check_half(folder)
        except Exception as e:  # a parse error or a missing file
            checker.fail(folder, f"{type(e).__name__}: {e}")
    for folder, st in all_stats.items():
        print_table(os.path.basename(os.path.normpath(folder)), st)
    if len(all_stats) > 1:
        cats = set().union(*(st["categories"] for st in all_stats.values()))
        fmts = set().union(*(st["formats"] for st in all_stats.values()))
        if cats != set(CATEGORIES):
            checker.fail("all halves", f"categories missing {sorted(set(CATEGORIES) - cats)}")
        if fmts != set(FORMATS):
            checker.fail("all halves", f"formats missing {sorted(set(FORMATS) - fmts)}")
        print(f"\n== together: categories {len(cats)}/{len(CATEGORIES)}, formats {len(fmts)}/{len(FORMATS)}")
    if checker.errors:
        print(f"\nFAILED ({len(checker.errors)}):")
        for e in checker.errors:
            print("  " + e)
        return 1
    print("\nOK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
