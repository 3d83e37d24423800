"""Messages for errors and locations shared by every layer."""

MESSAGES: dict[str, tuple[str, str]] = {
    "loc.sheet": ("「{sheet}」", "sheet '{sheet}'"),
    "loc.line": ("第{line}行", "line {line}"),
    "loc.row": ("第{row}行", "row {row}"),
    "loc.column": ("「{column}」列", "column '{column}'"),
    "loc.sep": ("：", ": "),
    "error.kind.generic": ("错误：", "Error: "),
    "error.kind.input": ("读取失败：", "Cannot read input: "),
    "error.kind.output": ("无法写入输出：", "Cannot write output: "),
    "error.kind.policy": ("资助政策文件有误：", "Invalid policy file: "),
    "error.kind.config": ("配置有误：", "Invalid configuration: "),
}
