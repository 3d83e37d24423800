"""Messages of the demo command."""

MESSAGES: dict[str, tuple[str, str]] = {
    "demo.help": (
        "演示：生成一个模拟县的数据（建档立卡名单、各校学籍表、发放台账、政策和标准答案），然后对它运行核查，"
        "并说明结果文件在哪里。",
        "Demo: write a sample county (registry, school rosters, ledgers, policy and answer key), reconcile "
        "it, and say where the outputs are.",
    ),
    "demo.short": ("生成示例数据并运行核查", "generate sample data and reconcile it"),
    "opt.demo_out": (
        "演示文件夹（数据在 data/，结果在 result/）",
        "demo folder (data in data/, results in result/)",
    ),
    "opt.demo_students": ("模拟学生人数", "number of pupils to simulate"),
    "opt.demo_seed": ("随机种子（相同种子生成相同数据）", "random seed (same seed, same data)"),
    "demo.generated": (
        "已生成 {students} 名学生的示例数据：{path}",
        "sample data for {students} pupils written to {path}",
    ),
}
