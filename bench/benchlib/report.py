"""Medians, ratios ours/peer, the issue's targets, and the printed table."""

import statistics

OURS, PROFTPD, VSFTPD, PURE = "proftpd-rs", "proftpd-1.3", "vsftpd", "pure-ftpd"

# key, label, better ("higher"/"lower"/None for information), format
METRICS = [
    ("login_c1", "logins/s, 1 client", "higher", "{:.1f}"),
    ("login_c32", "logins/s, 32 clients", "higher", "{:.1f}"),
    ("retr_mbs", "RETR 1 GiB, MB/s", "higher", "{:.0f}"),
    ("retr_cpu", "RETR server CPU s", "lower", "{:.2f}"),
    ("retr_client", "RETR client CPU s", None, "{:.2f}"),
    ("stor_mbs", "STOR 1 GiB, MB/s", "higher", "{:.0f}"),
    ("stor_cpu", "STOR server CPU s", "lower", "{:.2f}"),
    ("stor_client", "STOR client CPU s", None, "{:.2f}"),
    ("small_stor", "4 KiB STOR files/s", "higher", "{:.0f}"),
    ("small_retr", "4 KiB RETR files/s", "higher", "{:.0f}"),
    ("small_cpu", "4 KiB server CPU s/1000 files", "lower", "{:.2f}"),
    ("list_ms", "LIST 10k entries, ms", "lower", "{:.1f}"),
    ("mlsd_ms", "MLSD 10k entries, ms", "lower", "{:.1f}"),
    ("list_cpu", "LIST+MLSD server CPU ms", "lower", "{:.0f}"),
    ("pss_kib", "PSS KiB/idle session", "lower", "{:.0f}"),
    ("procs_per_session", "processes/session", None, "{:.1f}"),
]


def _at_least(a, b, factor):
    return None if a is None or b is None else a >= factor * b


def _at_most(a, b, factor):
    return None if a is None or b is None else a <= factor * b


def _best(med, names, key):
    vals = [med[n][key] for n in names if med.get(n, {}).get(key) is not None]
    return max(vals) if vals else None


# key -> [(text, check(medians) -> True/False/None)]
TARGETS = {
    "login_c1": [(">=5x proftpd (issue 2)",
                  lambda m, o: _at_least(o, m.get(PROFTPD, {}).get("login_c1"), 5))],
    "retr_mbs": [(">=1.0x best of vsftpd/pure-ftpd",
                  lambda m, o: _at_least(o, _best(m, (VSFTPD, PURE), "retr_mbs"), 1)),
                 (">=2x proftpd",
                  lambda m, o: _at_least(o, m.get(PROFTPD, {}).get("retr_mbs"), 2))],
    "stor_mbs": [(">=1.0x best peer",
                  lambda m, o: _at_least(o, _best(m, (PROFTPD, VSFTPD, PURE), "stor_mbs"), 1))],
    "small_stor": [(">=1.0x pure-ftpd",
                    lambda m, o: _at_least(o, m.get(PURE, {}).get("small_stor"), 1))],
    "small_retr": [(">=1.0x pure-ftpd",
                    lambda m, o: _at_least(o, m.get(PURE, {}).get("small_retr"), 1))],
    "list_ms": [("<=1.0x pure-ftpd",
                 lambda m, o: _at_most(o, m.get(PURE, {}).get("list_ms"), 1)),
                ("<=0.2x proftpd",
                 lambda m, o: _at_most(o, m.get(PROFTPD, {}).get("list_ms"), 0.2))],
    "mlsd_ms": [("<=1.0x pure-ftpd",
                 lambda m, o: _at_most(o, m.get(PURE, {}).get("mlsd_ms"), 1)),
                ("<=0.2x proftpd",
                 lambda m, o: _at_most(o, m.get(PROFTPD, {}).get("mlsd_ms"), 0.2))],
    "pss_kib": [("<=0.5x proftpd",
                 lambda m, o: _at_most(o, m.get(PROFTPD, {}).get("pss_kib"), 0.5))],
}


def medians(results):
    """results[server][key] = [values or None] -> median, None if n/a."""
    out = {}
    for srv, metrics in results.items():
        out[srv] = {}
        for key, vals in metrics.items():
            vals = [v for v in vals if v is not None]
            out[srv][key] = statistics.median(vals) if vals else None
    return out


def verdicts(med, errors):
    """key -> (target text, 'pass'/'FAIL'/'n/a')."""
    out = {}
    for key, clauses in TARGETS.items():
        ours = med.get(OURS, {}).get(key)
        parts, states = [], []
        for text, check in clauses:
            if ours is None and (OURS, key) in errors:
                state = "FAIL"  # ours could not do it at all
            else:
                r = check(med, ours)
                state = "n/a" if r is None else ("pass" if r else "FAIL")
            parts.append(f"{text}: {state}")
            states.append(state)
        total = ("FAIL" if "FAIL" in states else
                 "pass" if "pass" in states else "n/a")
        out[key] = ("; ".join(parts), total)
    return out


def table(med, servers, errors):
    """The printed table, as a list of lines."""
    others = [s for s in servers if s != OURS]
    head = ["metric", "better"] + servers + [f"ours/{s}" for s in others] + ["target", "result"]
    verdict = verdicts(med, errors)
    rows = []
    for key, label, better, fmt in METRICS:
        row = [label, better or "-"]
        for s in servers:
            v = med.get(s, {}).get(key)
            row.append("error" if (s, key) in errors else "n/a" if v is None else fmt.format(v))
        ours = med.get(OURS, {}).get(key)
        for s in others:
            v = med.get(s, {}).get(key)
            row.append("-" if better is None or ours is None or not v else f"{ours / v:.2f}x")
        text, result = verdict.get(key, ("", ""))
        row += [text, result]
        rows.append(row)
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    lines = []
    for r in [head] + rows:
        cells = [str(c).ljust(w) if i in (0, 1, len(head) - 2) else str(c).rjust(w)
                 for i, (c, w) in enumerate(zip(r, widths))]
        lines.append("| " + " | ".join(cells) + " |")
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return lines, verdict
