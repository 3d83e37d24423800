"""Messages of the sample command."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sample.help": (
        "生成一个模拟县的示例数据：约10个乡镇、各学段学校的学籍表（xlsx、xls、GBK 编码的 csv）、带标题行和合并表头的"
        "建档立卡/监测名单、每个项目每学期一份发放花名册、资助政策 policy.toml、标准答案 expected_findings.csv，"
        "以及可直接运行的 edupov.toml。相同的 --seed 生成相同的数据。",
        "Write a sample county: about ten townships, school rosters of every stage (xlsx, xls, GBK csv), a "
        "registry with title rows and merged headers, one payment roll per programme and term, policy.toml, "
        "the answer key expected_findings.csv and a ready edupov.toml. The same --seed gives the same data.",
    ),
    "sample.short": ("生成带标准答案的示例数据", "write sample data with its answer key"),
    "sample.opt.out": ("输出文件夹", "output folder"),
    "sample.opt.students": ("学生人数（约）", "number of pupils (about)"),
    "sample.opt.seed": ("随机种子", "random seed"),
    "sample.opt.format": (
        "表格格式：xlsx 或 csv（超过 Excel 行数上限时用 csv）",
        "file format: xlsx, or csv beyond Excel's row limit",
    ),
    "sample.opt.force": (
        "文件夹非空时仍然写入（只替换示例自己的子文件夹）",
        "write into a non-empty folder (replacing only the sample's own subfolders)",
    ),
    "sample.not_empty": (
        "文件夹不是空的；为避免覆盖您的文件，请换一个文件夹或加 --force。",
        "the folder is not empty; choose another or add --force.",
    ),
    "sample.written": (
        "示例数据已写入 {path}：名单 {registry} 个、学籍表 {roster} 个、台账 {ledger} 个文件。",
        "sample written to {path}: {registry} registry, {roster} roster and {ledger} ledger files.",
    ),
    "sample.table_title": (
        "注入的问题（标准答案 expected_findings.csv）",
        "injected anomalies (answer key expected_findings.csv)",
    ),
}
