"""Render docs/rules.md from ALL_RULES, so the page cannot drift from the code."""

from __future__ import annotations

from edupoverty.i18n import t

_SEVERITY_ZH = {"high": "高 high", "medium": "中 medium", "low": "低 low"}
_NEEDS_ZH = {"registry": "名单 registry", "roster": "学籍 roster", "ledger": "台账 ledger"}


def render_rules_markdown() -> str:
    """Return the rules reference page (Chinese descriptions, English below)."""
    from edupoverty.rules import ALL_RULES

    lines = [
        "# Rules / 核查规则",
        "",
        "Generated from `edupoverty.rules.ALL_RULES` (tests/test_docs.py checks it). Exact",
        "definitions: [dev/semantics.md](dev/semantics.md).",
        "",
        "| code | 名称 | severity | needs |",
        "|---|---|---|---|",
    ]
    for rule in ALL_RULES:
        spec = rule.RULE
        needs = "、".join(_NEEDS_ZH[n] for n in sorted(spec.needs)) or "任一 any"
        lines.append(
            f"| `{spec.code}` | {t(f'rule.{spec.key}.title', lang='zh')} | {_SEVERITY_ZH[spec.severity.value]} | {needs} |"
        )
    for rule in ALL_RULES:
        spec = rule.RULE
        lines += [
            "",
            f"## `{spec.code}` — {t(f'rule.{spec.key}.title', lang='zh')} / {t(f'rule.{spec.key}.title', lang='en')}",
            "",
            t(f"rule.{spec.key}.description", lang="zh"),
            "",
            f"**怎么处理：** {t(f'rule.{spec.key}.action', lang='zh')}",
            "",
            t(f"rule.{spec.key}.description", lang="en"),
            "",
            f"**What to do:** {t(f'rule.{spec.key}.action', lang='en')}",
        ]
    return "\n".join(lines) + "\n"
