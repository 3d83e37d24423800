"""Messages of the command line: help texts, summaries, interruptions."""

MESSAGES: dict[str, tuple[str, str]] = {
    "cli.help": (
        "edupov：学生资助数据核查工具。读入建档立卡/监测名单、学籍表和资助发放台账，按身份证号关联同一个人，"
        "套用资助政策，找出应助未助、重复资助、非在读仍发放、疑似失学辍学和数据错误。",
        "edupov: student-aid data reconciliation. Loads the poverty registry, school rosters and payment "
        "ledgers, links each person across them, applies the aid policy and reports missed aid, duplicate "
        "payments, payments to pupils not enrolled, suspected dropouts and broken data.",
    ),
    "cli.internal_error": (
        "内部错误（{kind}）：这是 edupov 的问题，不是您的数据的问题。请加 --debug 重新运行，并把输出（身份证号已脱敏）发给维护人员。",
        "internal error ({kind}): a bug in edupov, not in your data. Run again with --debug and send the output (IDs are masked) to the maintainers.",
    ),
    "cli.interrupted": (
        "已中断，之前的输出文件保持不变。",
        "interrupted; earlier outputs are untouched.",
    ),
    "cli.terminated": (
        "收到终止信号，运行已停止；之前的输出文件保持不变，未写完的临时文件已删除。",
        "terminated by a signal; earlier outputs are untouched and unfinished temp files were removed.",
    ),
    "opt.wait": (
        "输出文件夹正被另一个运行占用时，最多等待的秒数（适合定时任务）；默认不等待，立即退出",
        "seconds to wait while another run holds the output folder (for cron); default: refuse at once",
    ),
    "write.waiting": (
        "输出文件夹 {file} 正被另一个 edupov 运行（进程 {pid}）使用，最多等待 {seconds} 秒……",
        "the output folder {file} is in use by another edupov run (process {pid}); waiting up to {seconds} s…",
    ),
    "write.disk_full": (
        "磁盘空间不足，输出没有写完；之前的输出文件保持不变。请清理磁盘或换一个 --out 后重新运行。",
        "the disk is full and the outputs were not written; earlier outputs are untouched. Free some space or choose another --out and run again.",
    ),
    "write.failed": (
        "写入失败（{detail}）；之前的输出文件保持不变。若该文件正在 Excel 中打开，请关闭后重新运行。",
        "writing failed ({detail}); earlier outputs are untouched. If the file is open in Excel, close it and run again.",
    ),
    "history.write_failed": (
        "运行历史无法记录（{detail}），记录已整体撤销。请检查磁盘空间，或用 --no-history 跳过记录。",
        "the run could not be recorded in the history ({detail}); nothing of it was kept. Check the disk, or skip recording with --no-history.",
    ),
    "opt.lang": ("界面语言：zh（中文）或 en（英文）", "language of messages: zh or en"),
    "opt.debug": (
        "出错时显示详细的调试信息（身份证号仍脱敏）",
        "show debugging details on errors (IDs stay masked)",
    ),
    "opt.registry": (
        "建档立卡/监测/低保等名单：文件、文件夹或通配符，可重复",
        "registry lists: files, folders or globs; repeatable",
    ),
    "opt.roster": (
        "学籍表：文件、文件夹或通配符，可重复",
        "school rosters: files, folders or globs; repeatable",
    ),
    "opt.ledger": (
        "资助发放台账：文件、文件夹或通配符，可重复",
        "payment ledgers: files, folders or globs; repeatable",
    ),
    "opt.encoding": (
        "CSV 文件编码（默认自动识别 UTF-8 / GBK）",
        "CSV encoding (default: detect UTF-8 / GBK)",
    ),
    "opt.sheet": ("只读取该名称的工作表", "read only the sheet with this name"),
    "opt.json": ("以 JSON 格式输出到标准输出", "print JSON to stdout"),
    "opt.quiet": ("只显示错误", "print nothing but errors"),
    "opt.config_columns": (
        "edupov.toml 配置文件（读取其中的 [columns] 列名别名）",
        "edupov.toml (its [columns] header aliases are used)",
    ),
    "opt.max_errors": ("每个工作表最多列出的错误行数", "row errors listed per sheet"),
    "validate.help": (
        "检查表格能否读取：识别出的表格类型、表头所在行、识别/未识别的列、读取/接受/拒绝的行数，以及前若干条行错误（身份证号脱敏）。"
        "全部正常退出码 0；有行被拒绝退出码 1；有文件完全无法使用退出码 2。",
        "Check whether files can be read: the kind of table, the header row, recognised and unrecognised "
        "columns, rows read / accepted / rejected, and the first row errors (IDs masked). Exit 0 when all is "
        "clean, 1 when some rows were rejected, 2 when a file cannot be used at all.",
    ),
    "validate.short": (
        "检查表格能否读取、哪些行有问题",
        "check files: columns recognised, bad rows",
    ),
    "validate.no_files": (
        "请至少给出一个文件、文件夹或通配符。",
        "give at least one file, folder or glob.",
    ),
    "validate.skipped_sheet": ("  工作表「{sheet}」：{reason}", "  sheet '{sheet}': {reason}"),
    "validate.sheet_line": (
        "工作表「{sheet}」：{kind}，表头在第 {header} 行，学期 {term}",
        "sheet '{sheet}': {kind}, header on row {header}, term {term}",
    ),
    "validate.columns": ("  识别的列：{columns}", "  recognised columns: {columns}"),
    "validate.unrecognised": ("  未识别的列：{columns}", "  unrecognised columns: {columns}"),
    "validate.rows": (
        "  读取 {read} 行，接受 {accepted} 行，拒绝 {rejected} 行，提示 {remarks} 条",
        "  {read} rows read, {accepted} accepted, {rejected} rejected, {remarks} remarks",
    ),
    "validate.errors_title": (
        "行错误（显示 {shown} / 共 {total} 条）",
        "row errors ({shown} of {total} shown)",
    ),
    "validate.total": (
        "共 {files} 个文件，{unusable} 个无法使用；读取 {read} 行，拒绝 {rejected} 行。",
        "{files} files, {unusable} unusable; {read} rows read, {rejected} rejected.",
    ),
    "kind.registry": ("建档立卡/监测名单", "registry"),
    "kind.roster": ("学籍表", "roster"),
    "kind.ledger": ("发放台账", "ledger"),
    "kind.None": ("未知", "unknown"),
    "col.row": ("行号", "row"),
    "col.column": ("列", "column"),
    "col.problem": ("问题", "problem"),
    "progress.reading": ("读取表格", "reading files"),
    "progress.normalising": ("规范化数据", "normalising rows"),
}
