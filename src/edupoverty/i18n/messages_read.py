"""Messages of the readers: unusable files and sheets, and row issues."""

MESSAGES: dict[str, tuple[str, str]] = {
    # whole files / sheets (exit 2)
    "read.file_missing": (
        "找不到文件或文件夹，请检查路径是否正确。",
        "no such file or folder; check the path.",
    ),
    "read.file_empty": (
        "文件是空的（0 字节），请重新导出。",
        "the file is empty (0 bytes); export it again.",
    ),
    "read.not_a_workbook": (
        "这不是 Excel 工作簿（可能是改了扩展名的文本或网页文件），请在原系统重新导出为 .xlsx 或 .csv。",
        "this is not an Excel workbook (perhaps a text or web page file renamed); export it again as .xlsx or .csv.",
    ),
    "read.xlsx_encrypted_or_xls": (
        "工作簿已加密（设置了打开密码），或是旧版 .xls 被改成了 .xlsx；请在 Excel 中取消密码或另存为 .xlsx 后重试。",
        "the workbook is password-protected, or an old .xls renamed to .xlsx; remove the password or save it as .xlsx and retry.",
    ),
    "read.workbook_corrupt": (
        "工作簿已损坏或无法解析（{detail}），请用 Excel 打开后另存一份再试。",
        "the workbook is corrupt or cannot be parsed ({detail}); open it in Excel, save a copy and retry.",
    ),
    "read.workbook_truncated": (
        "工作簿不完整（文件末尾缺失，可能是下载或拷贝时中断），请重新拷贝，或在原系统重新导出。",
        "the workbook is incomplete (its end is missing, perhaps an interrupted download or copy); copy or export it again.",
    ),
    "read.zip_bomb": (
        "工作簿解压后的大小异常（{reason}），疑似“压缩炸弹”或文件已损坏，为保护本机已拒绝读取；请用 Excel 打开后另存一份，或在原系统重新导出。",
        "the workbook would inflate to an abnormal size ({reason}); it looks like a zip bomb or is damaged, and was not read to protect this computer; open it in Excel and save a copy, or export it again.",
    ),
    "read.zip_reason.ratio": (
        "部件「{part}」解压后 {size}，压缩比 {ratio}:1，正常导出不超过 20:1",
        "part '{part}' inflates to {size} at a ratio of {ratio}:1; real exports stay below 20:1",
    ),
    "read.zip_reason.total": (
        "全部部件解压后共 {size}，超过 4 GB",
        "all parts together inflate to {size}, more than 4 GB",
    ),
    "read.zip_reason.members": (
        "压缩包内有 {count} 个部件，正常工作簿不超过一万个",
        "the zip holds {count} parts; a real workbook has fewer than 10,000",
    ),
    "read.zip_reason.lied": (
        "部件「{part}」实际解压后超过其声明的 {size}",
        "part '{part}' inflates to more than the {size} it declares",
    ),
    "read.xml_entities": (
        "工作簿的部件「{part}」含有 DTD/实体声明（Excel 导出的文件从不包含），可能是被构造的恶意文件，已拒绝读取；请在原系统重新导出。",
        "workbook part '{part}' declares a DTD or entities (Excel never writes them); it may be a crafted file and was not read; export it again.",
    ),
    "read.csv_binary": (
        "这不是文本表格：文件中有大量二进制字节（可能是改了扩展名的压缩包、图片或已损坏的文件）；请在原系统重新导出为 .csv 或 .xlsx。",
        "this is not a text table: the file is full of binary bytes (perhaps a renamed archive or image, or a damaged file); export it again as .csv or .xlsx.",
    ),
    "read.csv_unparsable": (
        "CSV 无法解析（{detail}）；请用 Excel 打开后另存为 .xlsx 或 .csv 再试。",
        "the CSV cannot be parsed ({detail}); open it in Excel, save it as .xlsx or .csv and retry.",
    ),
    "read.csv_is_workbook": (
        "这是一个 Excel 工作簿，却用了 .csv 扩展名；请把扩展名改为 .xlsx（旧版为 .xls）后重试。",
        "this is an Excel workbook with a .csv name; rename it to .xlsx (.xls for the old format) and retry.",
    ),
    "read.sheet_corrupt": ("工作表无法读取（{detail}）。", "the sheet cannot be read ({detail})."),
    "read.sheet_not_found": (
        "没有名为「{sheet}」的工作表；现有工作表：{sheets}。",
        "no sheet named '{sheet}'; sheets: {sheets}.",
    ),
    "read.no_header": (
        "前20行里找不到表头（应有「姓名」「身份证号」等列名）；请检查是否选错了文件，或在 edupov.toml 的 [columns] 中补充列名。",
        "no header in the first 20 rows (expected column names such as 姓名 and 身份证号); check the file, or add aliases in the [columns] table of edupov.toml.",
    ),
    "read.no_visible_sheet": (
        "工作簿中没有可见的工作表（全部被隐藏）。",
        "the workbook has no visible sheet (all are hidden).",
    ),
    "read.kind_unknown": (
        "无法判断这是建档立卡名单、学籍表还是发放台账；请用 --registry / --roster / --ledger 指明。",
        "cannot tell whether this is a registry, a roster or a ledger; name it with --registry / --roster / --ledger.",
    ),
    "read.glob_empty": (
        "「{pattern}」没有匹配到任何表格文件（.xlsx .xls .csv）。",
        "'{pattern}' matches no spreadsheet (.xlsx .xls .csv).",
    ),
    "read.dir_empty": (
        "文件夹中没有表格文件（.xlsx .xlsm .xls .csv .txt）。",
        "the folder holds no spreadsheet (.xlsx .xlsm .xls .csv .txt).",
    ),
    "read.unsupported_suffix": (
        "不支持「{suffix}」格式，请导出为 .xlsx、.xls 或 .csv。",
        "'{suffix}' files are not supported; export as .xlsx, .xls or .csv.",
    ),
    "read.encoding_failed": (
        "无法按 {encoding} 编码读取文件（{detail}）。",
        "cannot decode the file as {encoding} ({detail}).",
    ),
    # sheet remarks
    "read.sheet_hidden": ("隐藏的工作表，已跳过", "hidden sheet, skipped"),
    "read.sheet_empty": ("空工作表，已跳过", "empty sheet, skipped"),
    "read.sheet_no_header": ("找不到表头，已跳过", "no header found, skipped"),
    "read.sheet_kind_unknown": ("无法判断表格类型，已跳过", "kind of table unknown, skipped"),
    "read.csv_mixed_encoding": (
        "文件混用了两种编码：部分行按 UTF-8、部分行按 GBK（GB18030）读取",
        "the file mixes encodings: some lines decoded as UTF-8, others as GBK (GB18030)",
    ),
    "read.columns_ignored": (
        "第 1024 列以后的列已忽略（正常导出不会这么宽）",
        "columns after the 1,024th were left out (no real export is that wide)",
    ),
    "read.merged_filled": (
        "纵向合并的单元格（如合并的「学校」列）已把值填入其覆盖的每一行",
        "vertically merged cells (e.g. a merged 学校 column) were filled into every row they cover",
    ),
    "read.csv_decoded_gb18030": ("按 GBK（GB18030）编码读取", "decoded as GBK (GB18030)"),
    # row issues
    "row.id_invalid": (
        "证件号码无效（{reason_text}）：{value}",
        "invalid ID number ({reason_text}): {value}",
    ),
    "row.id_mangled": (
        "证件号码被 Excel 存成了数字，末几位已丢失：{value}；请在原系统重新导出，并把该列设为文本。",
        "the ID was stored by Excel as a number and its last digits are lost: {value}; re-export with the column as text.",
    ),
    "row.id_is_student_no": (
        "证件号码列填的是学籍号（J/L 开头），不是身份证号：{value}",
        "the ID column holds a J/L student number, not an ID: {value}",
    ),
    "row.id_region_unknown": (
        "证件号码的地区码不在行政区划代码表中（仅提示）：{value}",
        "the ID's region code is not in the division code list (remark only): {value}",
    ),
    "row.id_missing": (
        "证件号码为空，无法按身份证号关联",
        "the ID is empty; the row cannot be linked by ID",
    ),
    "row.name_too_long": (
        "姓名长度异常（{length}个字符），不像是姓名：{value}…",
        "the name is {length} characters long, which is no name: {value}…",
    ),
    "row.csv_stray_quote": (
        "本行有不成对的引号，已按单独一行读取；请核对本行各列是否错位",
        "this line has an unbalanced quote and was read on its own; check that its columns are not shifted",
    ),
    "row.name_missing": ("姓名为空", "the name is empty"),
    "row.amount_invalid": (
        "金额无法识别（{reason_text}）：{value}",
        "amount not usable ({reason_text}): {value}",
    ),
    "row.program_unknown": (
        "资助项目「{program}」不在资助政策中（共{rows}行），这些行不参与金额核查；请在政策文件的 aliases 中补充。",
        "programme '{program}' is not in the policy ({rows} rows); they are left out of the money rules; add it to the policy's aliases.",
    ),
    "reason.length": ("位数不对", "wrong length"),
    "reason.chars": ("含非法字符", "bad characters"),
    "reason.date": ("出生日期不存在", "impossible birth date"),
    "reason.check": ("校验位错误", "wrong check digit"),
    "reason.blank": ("为空", "blank"),
    "reason.negative": ("为负数", "negative"),
    "reason.not_number": ("不是数字", "not a number"),
    "reason.too_precise": ("小数超过两位", "more than two decimals"),
}
