"""Messages about edupov.toml."""

MESSAGES: dict[str, tuple[str, str]] = {
    "config.missing": ("找不到配置文件。", "config file not found."),
    "config.unreadable": (
        "配置文件无法读取（{detail}）。",
        "config file cannot be read ({detail}).",
    ),
    "config.syntax": (
        "配置文件不是有效的 TOML：{detail}",
        "config file is not valid TOML: {detail}",
    ),
    "config.columns_not_table": (
        "[columns] 应为表（键 = 列名列表）。",
        "[columns] must be a table (key = list of header names).",
    ),
    "config.columns_unknown_field": (
        "[columns] 中的「{field}」不是可识别的字段；可用字段：{fields}。",
        "'{field}' in [columns] is not a known field; known fields: {fields}.",
    ),
    "config.columns_not_strings": (
        "[columns] 中「{field}」的值应为字符串列表。",
        "[columns] '{field}' must be a list of strings.",
    ),
    "config.inputs_not_strings": (
        "[inputs] 中「{field}」的值应为路径或通配符列表。",
        "[inputs] '{field}' must be a list of paths or globs.",
    ),
    "config.bad_date": (
        "日期「{value}」格式不对，应为 YYYY-MM-DD。",
        "date '{value}' is not YYYY-MM-DD.",
    ),
}
