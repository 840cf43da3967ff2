"""The compact table ``edge bench latency`` prints (``--json`` prints the whole report instead)."""

from __future__ import annotations

from typing import Any

__all__ = ["print_report"]

TARGET_RATIO = 0.33


def _s(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.2f} s"


def _x(value: Any) -> str:
    return "n/a" if value is None else f"{float(value):.2f}x"


def _column(profile: dict[str, Any], group: str) -> list[str]:
    if "error" in profile:
        return [profile["error"][:60]] + [""] * 8
    g = profile["groups"][group]
    return [
        f"{g['clips']} clips",
        f"{_s(g['edge']['median_s'])} / {_s(g['edge']['p90_s'])}",
        f"{_s(g['ha']['median_s'])} / {_s(g['ha']['p90_s'])}",
        f"{_x(g['ratio_median'])} / {_x(g['ratio_p90'])}",
        f"{g['edge_command_correct']:.0%}",  # the right device, or the barista label exactly
        f"{g['ha_intent_matched']:.0%}",
        f"{g['fast_path_share']:.0%}",
        f"{g.get('speculative_share', 0.0):.0%} / {g.get('semantic_end_share', 0.0):.0%}",
    ]


NOT_RUN = {"error": "not run (--only)"}


def print_report(report: dict[str, Any]) -> None:
    default, single = report.get("default"), report.get("single_core", NOT_RUN)
    if default is None and isinstance(single, dict) and "groups" in single:  # --only single: its own column
        print("bench latency: the one-core run alone (taskset -c 0); its figures in the first column")
        default, single = single, NOT_RUN
    if default is None:
        _print_costs(report)
        return
    threads = f"{default['profile']}, {default['threads']} threads"
    print(f"bench latency: last word -> command on MQTT; target ambient-edge <= {TARGET_RATIO}x HA-style")
    print(f"  fast path: {default['fast_path_settings']}; HA matcher: {default['ha_matcher']}; "
          f"MQTT publish {1000 * default['mqtt_publish_s']:.1f} ms (added to HA-style); "
          f"barista: {default['barista']}")  # fmt: skip
    labels = ["clips", "ambient-edge median / p90", "HA-style median / p90", "ratio median / p90",
              "ambient-edge right device", "HA-style intent matched", "fast-path share",
              "speculative / semantic end"]  # fmt: skip
    width = max(len(label) for label in labels)
    for group in ("all", "dev", "blind", "noisy", "barista"):
        if default["groups"].get(group, {}).get("clips", 0) == 0:
            continue
        left, right = _column(default, group), _column(single, group)
        print(f"\n  [{group}]{'':<{width - len(group) - 2}}  {'default (' + threads + ')':<34} taskset -c 0")
        for label, a, b in zip(labels, left, right, strict=False):
            print(f"  {label:<{width}}  {a:<34} {b}")
    _print_costs(report)


def _print_costs(report: dict[str, Any]) -> None:
    idle, memory = report.get("idle", NOT_RUN), report.get("memory", NOT_RUN)
    print()
    if "error" in idle:
        print(f"  idle cost: {idle['error']}")
    else:
        print(
            f"  idle cost: wake + VAD {idle['wake_vad_ms_per_s']:.1f} ms per s of audio, bare openWakeWord "
            f"{idle['bare_oww_ms_per_s']:.1f} ms: {_x(idle['ratio'])} (target <= {idle['target_ratio']}x; "
            f"{idle['audio']}, median of {idle['repeats']})"
        )
    if memory.get("error"):
        print(f"  resident memory: {memory['error']}")
    else:
        m = memory
        print(
            f"  resident memory (default stack): {m['rss_mb']:.0f} MB loaded, peak {m['peak_mb']:.0f} MB, "
            f"{m['in_use_peak_mb']:.0f} MB in use (target <= {m['target_mb']} MB): {m['stack']}"
        )
