"""Messages of reconcile and the engine."""

MESSAGES: dict[str, tuple[str, str]] = {
    "reconcile.help": (
        "核查：读入建档立卡/监测名单、学籍表和发放台账，按身份证号关联同一个人，套用资助政策，"
        "输出 findings.csv（每条问题一行）和 summary.json（汇总）。输入可用 --config edupov.toml 一次给全。"
        "运行完成退出码 0（无论发现多少问题）；输入或政策无法使用退出码 2；用 --fail-on 时若有该级别及以上的问题退出码 1。",
        "Reconcile: load the registry, rosters and ledgers, link each person by ID, apply the aid policy, "
        "and write findings.csv (one row per finding) and summary.json. --config edupov.toml can give all "
        "inputs at once. Exit 0 when it ran, whatever it found; 2 on unusable input or policy; with "
        "--fail-on, 1 when a finding of that severity or worse exists.",
    ),
    "reconcile.short": (
        "核查三类表格，找出应助未助、重复资助等问题",
        "reconcile the three sources and report findings",
    ),
    "opt.config": (
        "edupov.toml 配置文件（输入、政策、日期、输出目录、列名别名）",
        "edupov.toml (inputs, policy, date, output folder, aliases)",
    ),
    "opt.policy": (
        "资助政策 TOML 文件（默认使用内置国家标准）",
        "policy TOML (default: the shipped national policy)",
    ),
    "opt.as_of": (
        "核查基准日期，默认今天；年龄和资格按该日计算",
        "as-of date (default today): ages and eligibility are judged then",
    ),
    "opt.term": (
        "核查的学期，如 2024秋，可重复；默认为台账中出现的所有学期",
        "term to review, e.g. 2024秋; repeatable; default: all terms in the ledgers",
    ),
    "opt.out": ("输出文件夹", "output folder"),
    "opt.fail_on": (
        "存在该级别（high/medium/low）或更严重的问题时退出码为 1",
        "exit 1 when a finding of this severity or worse exists",
    ),
    "config.no_inputs": (
        "没有给出任何输入：请用 --registry / --roster / --ledger 或 --config 指定。",
        "no inputs: give --registry / --roster / --ledger or --config.",
    ),
    "config.no_out": (
        "请用 --out 指定输出文件夹（或在配置文件 [run] 中写 out）。",
        "give an output folder with --out (or out in [run] of the config).",
    ),
    "config.bad_term": (
        "学期「{value}」无法识别，应类似 2024秋 或 2025春。",
        "term '{value}' not recognised; expected e.g. 2024秋 or 2025春.",
    ),
    "reconcile.table_title": (
        "核查结果（基准日 {as_of}，学期 {terms}）",
        "Findings (as of {as_of}, terms {terms})",
    ),
    "reconcile.rule_skipped": (
        "未运行 {rule}：缺少 {reason} 数据",
        "{rule} not run: no {reason} data",
    ),
    "reconcile.done": (
        "共读取 {read} 行，拒绝 {rejected} 行，发现问题 {findings} 条；结果已写入 {out}",
        "{read} rows read, {rejected} rejected, {findings} findings; outputs in {out}",
    ),
    "reconcile.history": (
        "与上次同范围核查（第 {run} 次运行）相比：新增 {new} 条，未整改 {open} 条，已整改 {resolved} 条。",
        "against the previous run of the same scope (run {run}): {new} new, {open} still open, {resolved} resolved.",
    ),
    "col.rule": ("规则", "rule"),
    "col.severity": ("严重程度", "severity"),
    "col.count": ("条数", "findings"),
    "col.people": ("人数", "people"),
    "col.amount": ("涉及金额(元)", "money (yuan)"),
    "severity.high": ("高", "high"),
    "severity.medium": ("中", "medium"),
    "severity.low": ("低", "low"),
    "progress.linking": ("关联人员与项目", "linking people and programmes"),
    "progress.rules": ("运行核查规则", "running rules"),
    "write.output_is_input": (
        "输出文件与输入文件是同一个文件，拒绝覆盖；请换一个输出文件夹。",
        "the output would overwrite an input; choose another output folder.",
    ),
    "write.out_locked": (
        "另一个 edupov 运行（进程 {pid}）正在写入这个输出文件夹；请等它结束，或换一个 --out。",
        "another edupov run (process {pid}) is writing to this output folder; wait for it or choose another --out.",
    ),
    "write.folder_not_writable": (
        "输出文件夹无法写入（{detail}）。",
        "the output folder cannot be written ({detail}).",
    ),
}
