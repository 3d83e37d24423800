"""Messages of the money rules: MISSED_AID, DUPLICATE_AID, INELIGIBLE_AID, AMOUNT_MISMATCH, PAID_NOT_ENROLLED.

Finding templates take the rule's evidence keys plus ``name``, ``person_id``, ``program``,
``term`` and ``amount`` (yuan, added by ``make_findings``). They name the programme by its
Chinese name from the policy (``program_name``), never by its code, and show no full ID.
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # MISSED_AID
    "rule.missed_aid.title": ("应助未助", "Missed aid"),
    "rule.missed_aid.description": (
        "学生在本学期在读、所在学段和就读方式符合资助项目要求、属于项目覆盖的困难类别，但台账中本学期没有该项目（或同组互斥项目）的发放记录。",
        "The pupil is enrolled this term in a stage and boarding mode the programme covers and belongs to an eligible category, but no ledger pays them this programme (or one of its exclusive group) for the term.",
    ),
    "rule.missed_aid.action": (
        "核实学生在读和困难类别后补发；若已通过其他渠道发放，请补录台账。",
        "Confirm enrolment and category, then pay the arrears; if it was paid another way, add it to the ledger.",
    ),
    "rule.missed_aid.message": (
        "{name} {term}在{school}就读（{stage}，{boarding_text}），属{categories}，应发{program_name} {amount}元，台账中没有发放记录。",
        "{name} attends {school} in {term} ({stage}, {boarding_text}) and is registered as {categories}: {program_name} of {amount} yuan is due but no ledger pays it.",
    ),
    "rule.missed_aid.message_no_boarding": (
        "{name} {term}在{school}就读（{stage}），属{categories}，应发{program_name} {amount}元，台账中没有发放记录。",
        "{name} attends {school} in {term} ({stage}) and is registered as {categories}: {program_name} of {amount} yuan is due but no ledger pays it.",
    ),
    "rule.missed_aid.message_open": (
        "{name} {term}在{school}就读（{stage}，{boarding_text}），应发{program_name} {amount}元，台账中没有发放记录。",
        "{name} attends {school} in {term} ({stage}, {boarding_text}): {program_name} of {amount} yuan is due but no ledger pays it.",
    ),
    "rule.missed_aid.message_open_no_boarding": (
        "{name} {term}在{school}就读（{stage}），应发{program_name} {amount}元，台账中没有发放记录。",
        "{name} attends {school} in {term} ({stage}): {program_name} of {amount} yuan is due but no ledger pays it.",
    ),
    "rule.missed_aid.boarder": ("寄宿", "boarding"),
    "rule.missed_aid.day_pupil": ("走读", "day pupil"),
    # DUPLICATE_AID
    "rule.duplicate_aid.title": ("重复资助", "Duplicate aid"),
    "rule.duplicate_aid.description": (
        "同一学生同一学期领取了同一资助项目（或同组互斥项目，如寄宿生与非寄宿生生活补助）两笔及以上，含不同学校、不同台账之间的重复。",
        "One pupil was paid two or more times in one term for one programme or for programmes of one exclusive group (e.g. boarding and non-boarding allowance), across all ledgers and schools.",
    ),
    "rule.duplicate_aid.action": (
        "与各发放学校核对，确定应由哪所学校发放，追回多发款项。",
        "Check with the paying schools which one should pay, and recover the excess.",
    ),
    "rule.duplicate_aid.message": (
        "{name} {term}领取了{count}笔同类资助（{payments}），合计{total}元，同一学期只应发放一笔。",
        "{name} received {count} payments of one kind in {term} ({payments}), {total} yuan in all; only one is due per term.",
    ),
    "rule.duplicate_aid.yuan": ("元", " yuan"),
    # INELIGIBLE_AID
    "rule.ineligible_aid.title": ("不符合条件资助", "Ineligible aid"),
    "rule.ineligible_aid.description": (
        "资助发给了不符合项目条件的人：困难类别不在项目范围内（含监测风险已消除、不在困难人员名单），或在读学段、就读方式与项目要求不符。",
        "A payment to someone the programme does not cover: a category outside the programme's (risk-cleared monitoring, not in the registry), or a stage or boarding mode the programme does not cover.",
    ),
    "rule.ineligible_aid.action": (
        "核实学生身份、学段和就读方式；确属不符合条件的，停止发放并追回，或改发正确的项目。",
        "Check the pupil's category, stage and boarding; if ineligible, stop payment and recover it, or pay the right programme.",
    ),
    "rule.ineligible_aid.message": (
        "{name} {term}领取{program_name} {amount}元，但不符合该项目的资助条件。",
        "{name} received {program_name} of {amount} yuan in {term} without meeting its conditions.",
    ),
    "rule.ineligible_aid.message_stage": (
        "{name} {term}在{school}读{stage}，{program_name}只资助{program_stages}学生，却发放了{amount}元。",
        "{name} is in {stage} at {school} in {term}, but {program_name}, which covers only {program_stages}, paid {amount} yuan.",
    ),
    "rule.ineligible_aid.message_boarding": (
        "{name} {term}在{school}走读，{program_name}只发给寄宿生，却发放了{amount}元。",
        "{name} is a day pupil at {school} in {term}, but {program_name}, which is for boarders only, paid {amount} yuan.",
    ),
    "rule.ineligible_aid.message_nonboarding": (
        "{name} {term}在{school}寄宿，{program_name}只发给走读生，却发放了{amount}元。",
        "{name} boards at {school} in {term}, but {program_name}, which is for day pupils only, paid {amount} yuan.",
    ),
    "rule.ineligible_aid.message_category": (
        "{name}的困难类别为{categories}，不在{program_name}的资助范围（{program_categories}）内，{term}却发放了{amount}元。",
        "{name} is registered as {categories}, outside the categories of {program_name} ({program_categories}), yet was paid {amount} yuan in {term}.",
    ),
    "rule.ineligible_aid.message_cleared": (
        "{name}为监测对象但风险已消除，不再属于{program_name}的资助范围（{program_categories}），{term}却发放了{amount}元。",
        "{name} is a monitored person whose risk is cleared, no longer covered by {program_name} ({program_categories}), yet was paid {amount} yuan in {term}.",
    ),
    "rule.ineligible_aid.message_unregistered": (
        "{name}不在困难人员名单中，{program_name}只资助{program_categories}，{term}却发放了{amount}元。",
        "{name} is in no registry list, but {program_name} covers only {program_categories}; {amount} yuan was paid in {term}.",
    ),
    "rule.ineligible_aid.message_no_category": (
        "{name}在困难人员名单中没有登记困难类别，{program_name}只资助{program_categories}，{term}却发放了{amount}元。",
        "{name} is in the registry without a category, but {program_name} covers only {program_categories}; {amount} yuan was paid in {term}.",
    ),
    # AMOUNT_MISMATCH
    "rule.amount_mismatch.title": ("金额不符", "Amount mismatch"),
    "rule.amount_mismatch.description": (
        "发放金额与资助政策规定的该项目该学期标准（或允许的档次）不一致，少发和多发都列出；金额列为实发减标准，负数表示少发。",
        "The amount paid differs from the policy's standard (or allowed tiers) for the programme and term; under- and over-payments are both listed, as paid minus standard (negative: underpaid).",
    ),
    "rule.amount_mismatch.action": (
        "核对该学期标准和档次：少发的补足差额，多发的追回，录错的更正台账。",
        "Check the term's standard and tier: pay the shortfall, recover the excess, or correct a mistyped ledger.",
    ),
    "rule.amount_mismatch.message": (
        "{name} {term}的{program_name}发放{paid}元，与{policy}标准{standard}元不符。",
        "{name} was paid {paid} yuan of {program_name} in {term}; the {policy} standard is {standard} yuan.",
    ),
    "rule.amount_mismatch.message_under": (
        "{name} {term}的{program_name}只发放{paid}元，按{policy}应发{standard}元，少发{difference}元。",
        "{name} was paid only {paid} yuan of {program_name} in {term}; {policy} sets {standard} yuan: {difference} yuan short.",
    ),
    "rule.amount_mismatch.message_over": (
        "{name} {term}的{program_name}发放{paid}元，按{policy}应发{standard}元，多发{difference}元。",
        "{name} was paid {paid} yuan of {program_name} in {term}; {policy} sets {standard} yuan: {difference} yuan too much.",
    ),
    "rule.amount_mismatch.message_under_tiered": (
        "{name} {term}的{program_name}发放{paid}元，不是{policy}规定的任一档次（{allowed}元），比最接近的{standard}元少{difference}元。",
        "{name} was paid {paid} yuan of {program_name} in {term}, none of the {policy} tiers ({allowed} yuan): {difference} yuan below the nearest, {standard}.",
    ),
    "rule.amount_mismatch.message_over_tiered": (
        "{name} {term}的{program_name}发放{paid}元，不是{policy}规定的任一档次（{allowed}元），比最接近的{standard}元多{difference}元。",
        "{name} was paid {paid} yuan of {program_name} in {term}, none of the {policy} tiers ({allowed} yuan): {difference} yuan above the nearest, {standard}.",
    ),
    # PAID_NOT_ENROLLED
    "rule.paid_not_enrolled.title": ("非在读仍发放", "Paid while not enrolled"),
    "rule.paid_not_enrolled.description": (
        "台账发放的学期，该学生在所有学籍名单中都不是在读状态（毕业、转出且无新学校、休学、退学、死亡等），或根本不在学籍名单中。",
        "A payment for a term in which the person is active on no roster (graduated, transferred out with no new school, suspended, dropped out, deceased) or on no roster at all.",
    ),
    "rule.paid_not_enrolled.action": (
        "核实学生该学期是否在读：已转学的由新学校确认，确已离校的停止发放并追回。",
        "Check whether the pupil attended that term: a transfer is confirmed by the new school; a pupil who left is stopped and the money recovered.",
    ),
    "rule.paid_not_enrolled.message": (
        "{name} {term}不在读，却领取了{program_name} {amount}元。",
        "{name} was not enrolled in {term} yet received {program_name} of {amount} yuan.",
    ),
    "rule.paid_not_enrolled.message_status": (
        "{name} {term}在{school}的学籍状态为「{status}」，不在读，却领取了{program_name} {amount}元。",
        "{name}'s status at {school} in {term} is '{status}', not enrolled, yet {program_name} of {amount} yuan was paid.",
    ),
    "rule.paid_not_enrolled.message_absent": (
        "{name} {term}不在任何学校的在读学籍名单中，却领取了{program_name} {amount}元。",
        "{name} is on no school's roster as enrolled in {term}, yet {program_name} of {amount} yuan was paid.",
    ),
}
