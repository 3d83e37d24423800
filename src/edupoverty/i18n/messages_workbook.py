"""Messages of the workbooks: reconcile.xlsx sheet names, headers and labels; annotated copies."""

MESSAGES: dict[str, tuple[str, str]] = {
    # sheet names (at most 31 characters, none of []:*?/\)
    "workbook.sheet.summary": ("汇总", "Summary"),
    "workbook.sheet.notes": ("说明", "Rules explained"),
    # 汇总: run facts
    "workbook.title": ("学生资助数据核查汇总", "Student-aid reconciliation summary"),
    "workbook.fact.item": ("项目", "item"),
    "workbook.fact.value": ("内容", "value"),
    "workbook.fact.as_of": ("核查基准日", "as-of date"),
    "workbook.fact.terms": ("核查学期", "terms reviewed"),
    "workbook.fact.policy": ("资助政策", "aid policy"),
    "workbook.fact.version": ("工具版本", "tool version"),
    "workbook.fact.rows_read": ("读取行数", "rows read"),
    "workbook.fact.rows_rejected": ("拒绝行数", "rows rejected"),
    "workbook.fact.findings": ("问题总数", "findings"),
    "workbook.fact.amount": ("涉及金额(元)", "money involved (yuan)"),
    "workbook.fact.ids": ("身份证号与银行卡号", "ID and account numbers"),
    "workbook.fact.ids_masked": (
        "已脱敏（可在资助中心以外使用）",
        "masked (fit to share beyond the aid centre)",
    ),
    "workbook.fact.ids_full": (
        "完整显示：仅供资助中心内部核查使用，请勿外传或公示（教财厅函〔2017〕28号）；对外请用 --mask 重新生成",
        "shown in full: for the aid centre's own checking only, never to be shared or posted; use --mask to share",
    ),
    "workbook.fact.policy_value": ("{name}（{source}）", "{name} ({source})"),
    "workbook.fact.builtin": ("内置国家标准", "built-in national standard"),
    # 汇总: section titles
    "workbook.section.inputs": ("输入文件", "Input files"),
    "workbook.section.rules": ("按规则统计", "Findings per rule"),
    "workbook.section.pivot": ("按乡镇和学校统计", "Findings per township and school"),
    "workbook.section.skipped": ("未运行的规则", "Rules not run"),
    "workbook.rule_not_run": ("缺少{reason}数据", "no {reason} data"),
    "workbook.chart.by_rule": ("各规则问题条数", "Findings per rule"),
    "workbook.chart.by_school": (
        "问题最多的学校（前{n}所）",
        "Schools with the most findings (top {n})",
    ),
    "workbook.chart.count": ("条数", "findings"),
    # column headers
    "workbook.col.rule": ("规则", "rule"),
    "workbook.col.code": ("规则代码", "rule code"),
    "workbook.col.severity": ("严重程度", "severity"),
    "workbook.col.person_id": ("身份证号", "ID number"),
    "workbook.col.name": ("姓名", "name"),
    "workbook.col.township": ("乡镇", "township"),
    "workbook.col.school": ("学校", "school"),
    "workbook.col.source": ("来源", "source"),
    "workbook.col.file": ("文件", "file"),
    "workbook.col.sheet": ("工作表", "sheet"),
    "workbook.col.row": ("行号", "row"),
    "workbook.col.program": ("资助项目", "programme"),
    "workbook.col.term": ("学期", "term"),
    "workbook.col.amount": ("金额(元)", "amount (yuan)"),
    "workbook.col.message": ("说明", "message"),
    "workbook.col.related": ("相关行", "related rows"),
    "workbook.col.account": ("银行卡号", "bank account"),
    "workbook.col.kind": ("类型", "kind"),
    "workbook.col.sheets": ("读取的工作表", "sheets read"),
    "workbook.col.skipped_sheets": ("跳过的工作表", "sheets skipped"),
    "workbook.col.rows_read": ("读取行数", "rows read"),
    "workbook.col.rows_rejected": ("拒绝行数", "rows rejected"),
    "workbook.col.count": ("条数", "findings"),
    "workbook.col.people": ("人数", "people"),
    "workbook.col.money": ("涉及金额(元)", "money involved (yuan)"),
    "workbook.col.total": ("合计", "total"),
    "workbook.col.description": ("含义", "what it means"),
    "workbook.col.action": ("处理建议", "what to do"),
    "workbook.col.reason": ("原因", "reason"),
    "workbook.total": ("合计", "total"),
    "workbook.unknown": ("（未填）", "(blank)"),
    "workbook.location": ("{file}「{sheet}」第{row}行", "{file} [{sheet}] row {row}"),
    "workbook.location_csv": ("{file} 第{row}行", "{file} row {row}"),
    # options of reconcile that shape the workbooks (help texts for cli/options.py)
    "workbook.opt.mask": (
        "工作簿中的身份证号和银行卡号脱敏显示（前6位和后4位），用于发给资助中心以外的人；默认完整显示，仅供内部核查",
        "mask ID and bank-account numbers in the workbooks (first 6 and last 4 kept), for sharing beyond the aid centre; "
        "by default they are shown in full for the centre's own checking",
    ),
    "workbook.opt.no_annotated": (
        "--no-annotated 不生成 annotated/ 标注副本（省时间，适合市、省级批量核查）；reconcile.xlsx 中的行号不再链接到副本",
        "--no-annotated skips the annotated/ copies (faster; for city and province batches); row numbers in reconcile.xlsx then link nowhere",
    ),
    "workbook.opt.annotate_all": (
        "为每个输入文件都生成标注副本（默认只为有问题的文件生成）",
        "write an annotated copy of every input file (default: only files with findings)",
    ),
    # annotated copies
    "workbook.result_column": ("核查结果", "findings"),
    "workbook.comment.finding": ("【{title}】{message}", "[{title}] {message}"),
    "workbook.comment.related": (
        "【{title}·相关】{message}（问题记录在 {where}）",
        "[{title}, related] {message} (recorded at {where})",
    ),
    "workbook.skipped_huge": (
        "{file} 有 {rows} 行，超过 {limit} 行，未生成标注副本；请按 reconcile.xlsx 中的行号查找",
        "{file} has {rows} rows, more than {limit}: no annotated copy was made; use the row numbers in reconcile.xlsx",
    ),
    "workbook.skipped_same_name": (
        "有多个输入文件都叫 {file}，只为第一个生成了标注副本",
        "several inputs are named {file}: only the first was annotated",
    ),
    "workbook.text_truncated": (
        "…（超过 Excel 单元格上限，已截断；原文共 {chars} 字）",
        "… (cut at Excel's cell limit; the original has {chars} characters)",
    ),
    "workbook.skipped_unreadable": (
        "{file} 无法重新打开（{detail}），未生成标注副本",
        "{file} could not be reopened ({detail}); no annotated copy",
    ),
}
