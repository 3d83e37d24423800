"""Messages of ``edupov audit`` (indicators, audit.xlsx) and ``edupov history`` (run history)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # audit command
    "audit.help": (
        "督导检查前自查：与 reconcile 相同的输入和 --config，计算应助尽助率、疑似失学辍学人数、违规资金和数据质量，"
        "逐项对照 edupov.toml 中 [audit] 的目标值，输出 audit.xlsx（指标、整改清单、已整改、说明）和 audit.json。"
        "每次运行记入运行历史（--no-history 不记录），整改清单标明新增/未整改，并列出上次以来已整改的问题。"
        "全部达标退出码 0；任一指标未达标退出码 1；输入、政策或配置无法使用退出码 2，便于定时任务据此报警。",
        "Before an inspection: the same inputs and --config as reconcile; computes the coverage rate, "
        "suspected dropouts, irregular money and data quality, checks each against the targets in the "
        "[audit] table of edupov.toml, and writes audit.xlsx (indicators, rectification list, resolved, notes) "
        "and audit.json. Each run is recorded in the run history (not under --no-history); the rectification "
        "list marks findings new or still open and lists those resolved since the previous run. Exit 0 when "
        "every target is met, 1 when any fails, 2 on unusable input, policy or config, so cron can act on it.",
    ),
    "audit.short": (
        "计算督导检查指标并对照目标值（未达标退出码 1）",
        "inspection indicators against targets (exit 1 on failure)",
    ),
    "audit.progress.indicators": ("计算指标", "computing indicators"),
    "audit.table_title": ("督导检查指标", "Inspection indicators"),
    "audit.history_line": (
        "本次运行记录号 {run}（上次同范围运行 {previous}）：新增 {new} 条，未整改 {open} 条，已整改 {resolved} 条",
        "run {run} (previous run of this scope: {previous}): {new} new, {open} still open, {resolved} resolved",
    ),
    "audit.done_pass": (
        "全部指标达标；结果已写入 {out}",
        "every indicator met its target; outputs in {out}",
    ),
    "audit.done_fail": (
        "有指标未达标；结果已写入 {out}",
        "some indicators failed their targets; outputs in {out}",
    ),
    "audit.value_missing": ("无法计算", "n/a"),
    "audit.unit.yuan": ("{value} 元", "{value} yuan"),
    "audit.unit.persons": ("{value} 人", "{value} persons"),
    "audit.unit.rows": ("{value} 行", "{value} rows"),
    "audit.result.pass": ("达标", "pass"),
    "audit.result.fail": ("未达标", "fail"),
    "audit.result.none": ("—", "—"),
    "audit.unknown_township": ("未知", "unknown"),
    # indicators
    "audit.ind.coverage": ("应助尽助率", "coverage (eligible enrolled persons paid)"),
    "audit.ind.not_enrolled": ("疑似失学辍学人数", "suspected dropouts"),
    "audit.ind.not_enrolled_share": (
        "疑似失学辍学占适龄登记人口比例",
        "suspected dropouts among registered school-age children",
    ),
    "audit.ind.irregular_money": ("违规资金", "irregular money"),
    "audit.ind.data_quality": (
        "数据质量（无问题行占比）",
        "data quality (share of rows without problems)",
    ),
    "audit.ind.rows_rejected": ("被拒绝行占比", "share of rows rejected"),
    "audit.ind.bad_ids": (
        "证件号码无效或被Excel破坏的行数",
        "rows with an invalid or Excel-mangled ID",
    ),
    "audit.ind.identity_conflicts": ("身份信息不一致人数", "identity conflicts"),
    "audit.ind.unlinked_payments": (
        "无法关联的发放行（无有效证件号或项目不明）",
        "unlinked payments (no valid ID or unknown programme)",
    ),
    "audit.note.needs_roster_ledger": (
        "缺少学籍表或发放台账，无法计算",
        "needs rosters and ledgers",
    ),
    "audit.note.needs_ledger": ("缺少发放台账，无法计算", "needs ledgers"),
    "audit.note.nobody_entitled": ("没有应助对象", "nobody is entitled"),
    "audit.note.rule_not_run": (
        "规则 {rule} 未运行（缺少所需数据），无法计算",
        "rule {rule} did not run (data missing)",
    ),
    "audit.note.not_enrolled_share": (
        "分母为义务教育年龄段的登记人口",
        "denominator: registered persons of compulsory-education age",
    ),
    "audit.note.irregular_money": (
        "重复资助、不符合条件、非在读仍发放的发放金额及超标准多发部分；同一笔发放只计一次",
        "duplicate, ineligible and not-enrolled payments plus overpayments; each payment counted once",
    ),
    "audit.note.data_quality": (
        "问题行包括：被拒绝的行、证件号码无效或被破坏的行、无法关联的发放行、身份信息不一致的行",
        "problem rows: rejected, invalid or mangled ID, unlinked payment, identity conflict",
    ),
    "audit.detail.fraction": ("{numerator} / {denominator}", "{numerator} / {denominator}"),
    # audit.xlsx
    "audit.sheet.indicators": ("指标", "Indicators"),
    "audit.sheet.units": ("分项指标", "By unit"),
    "audit.sheet.rectification": ("整改清单", "Rectification list"),
    "audit.sheet.resolved": ("已整改", "Resolved"),
    "audit.sheet.notes": ("说明", "Notes"),
    "audit.chart.coverage": ("各乡镇应助尽助率", "Coverage by township"),
    "audit.chart.money": ("违规资金构成（元）", "Irregular money by rule (yuan)"),
    "audit.col.indicator": ("指标", "indicator"),
    "audit.col.value": ("数值", "value"),
    "audit.col.threshold": ("目标", "target"),
    "audit.col.result": ("结果", "result"),
    "audit.col.detail": ("计算说明", "detail"),
    "audit.col.dimension": ("维度", "dimension"),
    "audit.col.township": ("乡镇", "township"),
    "audit.col.school": ("学校", "school"),
    "audit.col.program": ("资助项目", "programme"),
    "audit.col.term": ("学期", "term"),
    "audit.col.entitled": ("应助人数", "entitled"),
    "audit.col.paid": ("已助人数", "paid"),
    "audit.col.coverage": ("应助尽助率", "coverage"),
    "audit.col.not_enrolled": ("疑似失学辍学人数", "suspected dropouts"),
    "audit.col.irregular_yuan": ("违规资金(元)", "irregular money (yuan)"),
    "audit.col.findings": ("问题条数", "findings"),
    "audit.col.seq": ("序号", "no."),
    "audit.col.status": ("状态", "status"),
    "audit.col.rule": ("问题类型", "problem"),
    "audit.col.severity": ("严重程度", "severity"),
    "audit.col.name": ("姓名", "name"),
    "audit.col.person_id": ("证件号码", "ID number"),
    "audit.col.amount": ("金额(元)", "amount (yuan)"),
    "audit.col.message": ("问题说明", "description"),
    "audit.col.file": ("所在文件", "file"),
    "audit.col.sheet": ("工作表", "sheet"),
    "audit.col.row": ("行号", "row"),
    "audit.col.owner": ("责任人", "responsible"),
    "audit.col.deadline": ("整改时限", "deadline"),
    "audit.col.progress": ("整改情况", "progress"),
    "audit.dimension.township": ("乡镇", "township"),
    "audit.dimension.school": ("学校", "school"),
    "audit.dimension.program_term": ("项目学期", "programme and term"),
    "audit.status.new": ("新增", "new"),
    "audit.status.open": ("未整改", "still open"),
    "audit.resolved.none_previous": (
        "没有同一范围的上次运行记录，无法列出已整改问题。",
        "no previous run of this scope: nothing to list as resolved.",
    ),
    "audit.resolved.since": (
        "以上为第 {run} 次运行中存在、本次已不再出现的问题。",
        "findings of run {run} that no longer appear.",
    ),
    "audit.notes.title": ("督导检查指标说明", "About these indicators"),
    "audit.notes.run": (
        "基准日 {as_of}；学期 {terms}；政策 {policy}。",
        "As of {as_of}; terms {terms}; policy {policy}.",
    ),
    "audit.notes.coverage": (
        "应助尽助率 = 已助人数 / 应助人数。应助：对每个应助项目和核查学期，在读且学段（及寄宿要求）符合、困难类别符合的学生；"
        "已助：该学期有同一互斥组任一项目的发放记录。按人·项目·学期计数。",
        "Coverage = paid / entitled: for each entitled programme and term, pupils enrolled in a covered stage "
        "(boarding as required) with an eligible category; paid when any programme of the same group was paid "
        "that term. Counted per person, programme and term.",
    ),
    "audit.notes.not_enrolled": (
        "疑似失学辍学人数 = 义务教育年龄段登记人口中、基准学期未出现在任何在读学籍中的人数（NOT_ENROLLED）。",
        "Suspected dropouts: registered persons of compulsory-education age on no active roster in the as-of term (NOT_ENROLLED).",
    ),
    "audit.notes.irregular": (
        "违规资金 = 重复资助、不符合条件资助、非在读仍发放的发放金额，加上金额不符中超出标准的部分；"
        "同一笔发放被多条规则标出时只计一次（取最大金额）。少发不计入。",
        "Irregular money: duplicate, ineligible and not-enrolled payments plus the excess of overpayments; a "
        "payment flagged by several rules counts once (its largest amount). Underpayment is not counted.",
    ),
    "audit.notes.quality": (
        "数据质量 = 无问题行 / 读取总行数；问题行为被拒绝、证件号码无效或被Excel破坏、发放行无法关联（无有效证件号或项目不明）、"
        "身份信息不一致的行，每行只计一次。",
        "Data quality = rows without problems / rows read; a problem row is rejected, has an invalid or "
        "mangled ID, is an unlinked payment (no valid ID or unknown programme), or is an identity conflict; "
        "each row counts once.",
    ),
    "audit.notes.township": (
        "乡镇：学籍表常无乡镇列，学校所属乡镇依次取自学籍表乡镇列、发放台账的学校与乡镇、在校学生在登记名单中的乡镇（取最多者），均无则为“未知”。",
        "Township: rosters often lack one, so a school's township comes from the roster's township column, "
        "else the ledgers' school and township, else the registry township of its pupils (the most frequent); "
        "otherwise 'unknown'.",
    ),
    "audit.notes.status": (
        "状态：新增 = 上次同范围运行中没有的问题；未整改 = 上次已存在的问题；已整改的问题列在“已整改”工作表。"
        "问题按规则、身份证号、项目、学期识别，不依赖行号。",
        "Status: new = not in the previous run of the same scope; still open = already there; resolved "
        "findings are on the Resolved sheet. Findings are identified by rule, ID, programme and term, not row numbers.",
    ),
    "audit.notes.thresholds": (
        "目标值在 edupov.toml 的 [audit] 表中设置：coverage（默认 1.0）、max_not_enrolled（默认 0）、"
        "max_irregular_money（元，默认 0）、data_quality（默认 0.99）。",
        "Targets are set in the [audit] table of edupov.toml: coverage (default 1.0), max_not_enrolled "
        "(default 0), max_irregular_money (yuan, default 0), data_quality (default 0.99).",
    ),
    "audit.notes.privacy": (
        "本表含身份证号和困难类别等敏感个人信息，仅供内部整改使用，不得公示（教财厅函〔2017〕28号）。",
        "This workbook holds ID numbers and hardship categories: internal use only, never for public notice.",
    ),
    # history
    "history.help": (
        "运行历史：列出每次 reconcile / audit 运行（默认子命令 list），show RUN 重新显示某次运行的汇总，"
        "diff RUN1 RUN2 显示两次运行之间新增和已整改的问题。数据库默认在用户数据目录，可用 --db、环境变量 "
        "EDUPOV_HISTORY_DB 或配置文件 [history] db 指定。终端输出中的身份证号一律打码。",
        "Run history: list every reconcile and audit run (the default subcommand), show RUN reprints a run's "
        "summary, diff RUN1 RUN2 shows new and resolved findings between two runs. The database lives in the "
        "user data folder unless --db, EDUPOV_HISTORY_DB or [history] db in the config names another. ID "
        "numbers are always masked on the terminal.",
    ),
    "history.short": ("查看运行历史、比较两次运行", "list, show and compare recorded runs"),
    "history.list.help": ("列出已记录的运行，最新的在前。", "List recorded runs, newest first."),
    "history.list.short": ("列出运行记录", "list runs"),
    "history.show.help": (
        "重新显示某次运行的汇总：各规则问题数、指标和输入文件。",
        "Reprint a run's summary: findings per rule, indicators and the input files.",
    ),
    "history.show.short": ("显示某次运行", "show a run"),
    "history.diff.help": (
        "比较两次运行：RUN2 中新增的问题和 RUN1 以来已整改的问题。",
        "Compare two runs: findings new in RUN2 and those resolved since RUN1.",
    ),
    "history.diff.short": ("比较两次运行", "compare two runs"),
    "history.opt.db": (
        "运行历史数据库文件（默认在用户数据目录）",
        "run-history database (default: in the user data folder)",
    ),
    "history.opt.no_history": (
        "不记录本次运行，也不与上次比较",
        "do not record this run or compare it with the previous one",
    ),
    "history.opt.json": (
        "以 JSON 输出到标准输出（身份证号打码）",
        "print JSON on stdout (IDs masked)",
    ),
    "history.opt.limit": ("最多列出的运行数", "at most this many runs"),
    "history.opt.limit_rows": ("每个列表最多显示的行数", "at most this many rows per list"),
    "history.no_db": (
        "还没有运行历史：{path} 不存在。",
        "no run history yet: {path} does not exist.",
    ),
    "history.no_runs": ("还没有运行记录。", "no runs recorded yet."),
    "history.list.title": ("运行记录", "Recorded runs"),
    "history.col.run": ("编号", "run"),
    "history.col.time": ("时间", "time"),
    "history.col.command": ("命令", "command"),
    "history.col.as_of": ("基准日", "as of"),
    "history.col.terms": ("学期", "terms"),
    "history.col.findings": ("问题数", "findings"),
    "history.col.exit": ("退出码", "exit"),
    "history.col.scope": ("范围", "scope"),
    "history.col.name": ("姓名", "name"),
    "history.col.person_id": ("证件号码", "ID"),
    "history.col.program": ("项目", "programme"),
    "history.col.term": ("学期", "term"),
    "history.col.message": ("问题说明", "description"),
    "history.show.head": (
        "第 {run} 次运行：{time}，{command}，基准日 {as_of}，学期 {terms}",
        "run {run}: {time}, {command}, as of {as_of}, terms {terms}",
    ),
    "history.show.policy": (
        "政策 {name}（指纹 {fingerprint}），edupov {version}",
        "policy {name} (fingerprint {fingerprint}), edupov {version}",
    ),
    "history.show.rules_title": ("各规则问题数", "Findings per rule"),
    "history.show.input": (
        "输入 {kind}：{path}（sha256 {sha}…，{size} 字节）",
        "input {kind}: {path} (sha256 {sha}…, {size} bytes)",
    ),
    "history.diff.head": (
        "第 {a} 次 → 第 {b} 次运行：新增 {new} 条，未整改 {open} 条，已整改 {resolved} 条",
        "run {a} → run {b}: {new} new, {open} still open, {resolved} resolved",
    ),
    "history.diff.new_title": ("新增问题", "New findings"),
    "history.diff.resolved_title": ("已整改问题", "Resolved findings"),
    "history.more_rows": (
        "仅显示前 {shown} 条，共 {total} 条；用 --json 或 --limit 查看全部。",
        "showing {shown} of {total}; use --json or --limit for all.",
    ),
    "history.run_missing": (
        "运行记录 {run} 不存在；用 edupov history 查看已有的运行。",
        "there is no run {run}; edupov history lists the runs.",
    ),
    "history.db_unusable": (
        "运行历史数据库无法使用（{detail}）；请换一个 --db 路径，或用 --no-history 跳过记录。",
        "the run-history database cannot be used ({detail}); choose another --db or skip it with --no-history.",
    ),
    "history.db_too_new": (
        "运行历史数据库由更新版本的 edupov 创建（版本 {version}，本程序支持到 {known}）；请升级 edupov 或换一个 --db 路径。",
        "the run-history database was written by a newer edupov (schema {version}, this one knows {known}); upgrade or choose another --db.",
    ),
    "history.config_db_not_text": (
        "配置文件 [history] 中的 db 应为文件路径文本。",
        "db in the [history] table must be a path string.",
    ),
}
