"""Messages of the aid policy: file and validation errors, and the ``edupov policy`` command."""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- reading the file -------------------------------------------------------------
    "policy.file_missing": (
        "找不到资助政策文件 {path}：请检查路径，或用 edupov policy init 生成一份再修改。",
        "policy file {path} not found: check the path, or create one with edupov policy init.",
    ),
    "policy.file_is_folder": (
        "{path} 是文件夹，不是资助政策 TOML 文件。",
        "{path} is a folder, not a policy TOML file.",
    ),
    "policy.file_encoding": (
        "文件不是 UTF-8 编码：请用记事本或 VS Code 另存为 UTF-8 后重试。",
        "the file is not UTF-8: save it as UTF-8 and try again.",
    ),
    "policy.file_unreadable": ("无法读取文件（{detail}）。", "cannot read the file ({detail})."),
    "policy.toml_syntax": (
        "TOML 格式错误（第{char}个字符附近）：{detail}。常见原因：中文引号、漏写引号或逗号。",
        "TOML syntax error (near character {char}): {detail}. Common causes: Chinese quotes, a missing quote or comma.",
    ),
    # --- the document's shape -----------------------------------------------------------
    "policy.section_unknown": (
        "未知的表「{value}」：只能有 [policy] 和 [[program]]（及其 [[program.standard]]）。",
        "unknown table '{value}': only [policy] and [[program]] (with [[program.standard]]) are allowed.",
    ),
    "policy.header_missing": (
        '缺少 [policy] 表（至少写 name = "政策名称"）。',
        'the [policy] table is missing (at least name = "...").',
    ),
    "policy.header_not_table": (
        "policy 应写成 [policy] 表。",
        "policy must be a [policy] table.",
    ),
    "policy.no_programs": (
        "没有任何资助项目：至少需要一个 [[program]]。",
        "no programmes: at least one [[program]] is needed.",
    ),
    "policy.programs_not_tables": (
        "program 应写成 [[program]] 表。",
        "program must be written as [[program]] tables.",
    ),
    # --- [policy] -------------------------------------------------------------------------
    "policy.header_field_missing": (
        "[policy] 缺少「{field}」。",
        "[policy] lacks '{field}'.",
    ),
    "policy.header_field_unknown": (
        "[policy] 中没有「{field}」这一项（可用：name、compulsory_age）。",
        "[policy] has no key '{field}' (allowed: name, compulsory_age).",
    ),
    "policy.header_field_invalid": (
        "[policy] 的「{field}」值 {value} 不合要求（{detail}）。",
        "[policy] '{field}' = {value} is not valid ({detail}).",
    ),
    "policy.policy_name_blank": ("[policy] 的 name 不能为空。", "[policy] name must not be blank."),
    "policy.age_order": (
        "compulsory_age = [{low}, {high}] 无效：应为 [最小年龄, 最大年龄]，且最小年龄不大于最大年龄。",
        "compulsory_age = [{low}, {high}] is invalid: give [youngest, oldest] with youngest <= oldest.",
    ),
    # --- [[program]] ----------------------------------------------------------------------
    "policy.field_missing": (
        "项目 {program} 缺少「{field}」。",
        "programme {program} lacks '{field}'.",
    ),
    "policy.field_unknown": (
        "项目 {program} 中没有「{field}」这一项（拼写错误？可用项见 docs/policy.md）。",
        "programme {program} has no key '{field}' (misspelt? see docs/policy.md).",
    ),
    "policy.field_invalid": (
        "项目 {program} 的「{field}」值 {value} 不合要求（{detail}）。",
        "programme {program}: '{field}' = {value} is not valid ({detail}).",
    ),
    "policy.code_invalid": (
        "项目代码「{value}」无效：只能用小写英文字母、数字和下划线，并以字母开头（如 boarding_primary）。",
        "programme code '{value}' is invalid: use lower-case letters, digits and _, starting with a letter (e.g. boarding_primary).",
    ),
    "policy.name_blank": (
        "项目 {program} 的 name 不能为空。",
        "programme {program}: name must not be blank.",
    ),
    "policy.stage_unknown": (
        "项目 {program} 的学段「{value}」无法识别，应为：{allowed}。",
        "programme {program}: unknown stage '{value}'; expected one of {allowed}.",
    ),
    "policy.category_unknown": (
        "项目 {program} 的困难类别「{value}」无法识别，应为：{allowed}（或留空表示不限）。",
        "programme {program}: unknown category '{value}'; expected {allowed} (or an empty list for anyone).",
    ),
    "policy.amount_missing": (
        "项目 {program} 没有金额：请写 per_term = 金额，或分档时写 allowed = [金额, …]。",
        "programme {program} has no amount: give per_term = N, or allowed = [N, ...] for tiers.",
    ),
    "policy.amount_both": (
        "项目 {program} 同时写了 per_term 和 allowed：只能二选一。",
        "programme {program} gives both per_term and allowed: choose one.",
    ),
    "policy.allowed_empty": (
        "项目 {program} 的 allowed 是空列表：至少写一个金额。",
        "programme {program}: allowed is an empty list; give at least one amount.",
    ),
    "policy.amount_negative": (
        "项目 {program} 的金额 {value} 为负数：金额应为 0 或正数（元/人/学期）。",
        "programme {program}: amount {value} is negative; amounts are yuan per person per term, 0 or more.",
    ),
    "policy.amount_invalid": (
        "项目 {program} 的金额 {value} 不是有效数字。",
        "programme {program}: amount {value} is not a number.",
    ),
    "policy.term_invalid": (
        "项目 {program} 的 from_term「{value}」无法识别：应写成 2024秋 或 2025春 这样的规范学期。",
        "programme {program}: from_term '{value}' is not a canonical term such as 2024秋 or 2025春.",
    ),
    "policy.standard_amount_missing": (
        "项目 {program} 从 {term} 起的标准没有金额：请写 per_term 或 allowed。",
        "programme {program}: the standard from {term} has no amount; give per_term or allowed.",
    ),
    "policy.standard_term_repeated": (
        "项目 {program} 有多条从同一学期（{value}）起的标准：每个学期只能写一条。",
        "programme {program} has several standards starting in {value}: one per term.",
    ),
    "policy.code_duplicate": (
        "项目代码「{code}」重复（第{line_first}行已用过）：每个项目的 code 必须唯一。",
        "programme code '{code}' is repeated (already used on line {line_first}); codes must be unique.",
    ),
    "policy.alias_duplicate": (
        "名称或别名「{value}」同时属于项目 {first} 和 {code}：台账中的一个写法只能对应一个项目。",
        "name or alias '{value}' belongs to both {first} and {code}: one ledger spelling must mean one programme.",
    ),
    # --- edupov policy ----------------------------------------------------------------------
    "policy.help": (
        "资助政策：查看正在使用的政策（各项目、学段、对象、每学期标准），或生成一份可修改的副本。",
        "Aid policy: show the policy in use (programmes, stages, who qualifies, standard per term), or write an editable copy.",
    ),
    "policy.short": ("查看或生成资助政策文件", "show or write the aid policy"),
    "policy.show.help": (
        "显示正在使用的资助政策：默认是内置国家基础标准，--policy 指定自己的文件。表格输出到标准输出；"
        "--json 输出校验后的完整政策。",
        "Show the aid policy in use: the shipped national default, or your own with --policy. The table goes to "
        "stdout; --json prints the validated policy as JSON.",
    ),
    "policy.show.short": ("显示正在使用的资助政策", "show the policy in use"),
    "policy.init.help": (
        "把内置国家基础标准复制为 PATH（默认 ./policy.toml），供按本省标准修改后以 --policy 使用。"
        "文件已存在时不覆盖，除非加 --force。",
        "Write a copy of the shipped national default to PATH (default ./policy.toml) to edit for your province "
        "and pass with --policy. An existing file is not overwritten unless --force is given.",
    ),
    "policy.init.short": ("生成一份可修改的政策文件", "write an editable copy of the policy"),
    "policy.opt.force": ("覆盖已存在的文件", "overwrite an existing file"),
    "policy.init_exists": (
        "{path} 已存在，未覆盖：如确需覆盖请加 --force，或换一个文件名。",
        "{path} exists and was not overwritten: add --force to replace it, or choose another name.",
    ),
    "policy.init.done": (
        "已写入 {path}：按本省标准修改后，用 --policy {path} 使用。",
        "wrote {path}: edit it for your province, then pass --policy {path}.",
    ),
    "policy.show.title": (
        "资助政策「{name}」（{source}；义务教育适龄 {low}–{high} 岁；指纹 {fingerprint}）",
        "Aid policy '{name}' ({source}; compulsory ages {low}–{high}; fingerprint {fingerprint})",
    ),
    "policy.show.builtin": ("内置国家基础标准", "shipped national default"),
    "policy.col.code": ("代码", "code"),
    "policy.col.name": ("项目名称", "name"),
    "policy.col.stages": ("学段", "stages"),
    "policy.col.categories": ("对象类别", "categories"),
    "policy.col.boarding": ("寄宿", "boarding"),
    "policy.col.entitled": ("应助", "entitled"),
    "policy.col.group": ("互斥组", "group"),
    "policy.col.standard": ("每学期标准（元）", "per term (yuan)"),
    "policy.val.anyone": ("不限", "anyone"),
    "policy.val.boarders": ("仅寄宿生", "boarders"),
    "policy.val.day_pupils": ("仅非寄宿", "day pupils"),
    "policy.val.either": ("不限", "either"),
    "policy.val.yes": ("是", "yes"),
    "policy.val.no": ("否", "no"),
    "policy.val.until": ("{until}前：{amounts}", "before {until}: {amounts}"),
    "policy.val.span": ("{start}起：{amounts}", "from {start}: {amounts}"),
    "policy.val.span_until": ("{start}至{until}前：{amounts}", "{start} until {until}: {amounts}"),
}
