"""Messages of the identity and enrolment rules: INVALID_ID, ID_NUMBER_MANGLED,
IDENTITY_CONFLICT, DUPLICATE_ENROLLMENT, NOT_ENROLLED and PROBABLE_MATCH.

Finding templates take the rule's evidence keys plus ``name``, ``person_id``, ``program``,
``term`` and ``amount``; IDs appear only masked (``id_masked``, ``anchor_id_masked`` …).
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # INVALID_ID
    "rule.invalid_id.title": ("证件号码无效", "Invalid ID number"),
    "rule.invalid_id.description": (
        "证件号码栏填写的内容不是有效的公民身份号码：位数不对、含非法字符、出生日期不存在或校验位错误。"
        "15位老号码、20位残疾人证号、G/J/L开头的学籍号和被Excel转成数字的号码不算在内（后者另见「证件号码被Excel破坏」）；"
        "行政区划代码查不到（县区撤并后的老代码）也不算无效。",
        "The ID column holds something that is not a valid resident ID number: wrong length, "
        "bad characters, an impossible birth date or a wrong check digit. 15-digit legacy IDs, "
        "20-character disability certificate numbers, G/J/L student numbers and numbers Excel "
        "turned into floats are not counted here; an unknown region code is never invalid.",
    ),
    "rule.invalid_id.action": (
        "对照户口本或身份证原件更正该行的证件号码，在原系统中修改后重新导出。",
        "Correct the ID from the household register or ID card, fix it in the source system and export again.",
    ),
    "rule.invalid_id.message": (
        "「{name}」的证件号码（{id_masked}）不是有效的身份证号码，请核对更正。",
        "The ID number of {name} ({id_masked}) is not a valid resident ID; please correct it.",
    ),
    "rule.invalid_id.message_length": (
        "「{name}」的证件号码（{id_masked}）为{length}位，身份证号码应为18位，请核对更正。",
        "The ID number of {name} ({id_masked}) has {length} characters; a resident ID has 18. Please correct it.",
    ),
    "rule.invalid_id.message_chars": (
        "「{name}」的证件号码（{id_masked}）含有数字和末位X以外的字符，请核对更正。",
        "The ID number of {name} ({id_masked}) contains characters other than digits and a final X; please correct it.",
    ),
    "rule.invalid_id.message_date": (
        "「{name}」的证件号码（{id_masked}）中的出生日期不存在，请核对更正。",
        "The birth date inside the ID number of {name} ({id_masked}) does not exist; please correct it.",
    ),
    "rule.invalid_id.message_check": (
        "「{name}」的证件号码（{id_masked}）校验位不对，很可能有一位输错或两位颠倒，请核对更正。",
        "The check digit of {name}'s ID number ({id_masked}) is wrong: probably one digit mistyped "
        "or two swapped. Please correct it.",
    ),
    # ID_NUMBER_MANGLED
    "rule.id_number_mangled.title": ("证件号码被Excel破坏", "ID mangled by Excel"),
    "rule.id_number_mangled.description": (
        "证件号码被Excel存成了数字（或显示为科学计数法，如4.10101E+17）。Excel只保留15位有效数字，"
        "后面几位已经变成0，无法从表格中恢复。",
        "The ID was stored by Excel as a number (or shows in scientific notation such as "
        "4.10101E+17). Excel keeps 15 significant digits, so the last digits are lost and "
        "cannot be recovered from the sheet.",
    ),
    "rule.id_number_mangled.action": (
        "在原系统中把证件号码列设为文本后重新导出，或按户口本补录完整号码；不要在Excel里直接改格式，丢失的位数改不回来。",
        "Export again from the source system with the ID column as text, or re-enter the full "
        "ID from the household register; changing the cell format in Excel cannot bring the "
        "lost digits back.",
    ),
    "rule.id_number_mangled.message": (
        "「{name}」的证件号码（{id_masked}）被Excel转成了数字，只剩前{digits_kept}位可信，请重新导出或补录完整号码。",
        "The ID number of {name} ({id_masked}) was turned into a number by Excel; only the first "
        "{digits_kept} digits survive. Export again or re-enter the full ID.",
    ),
    # IDENTITY_CONFLICT
    "rule.identity_conflict.title": ("身份信息不一致", "Identity conflict"),
    "rule.identity_conflict.description": (
        "同一个证件号码在不同行或不同表中登记为不同的姓名（繁简体、间隔号写法不同不算），"
        "或某行填写的性别、出生日期与证件号码不符。用监护人身份证领取的台账行不算。",
        "One ID number carries different names in different rows or sources (traditional vs "
        "simplified characters and middle-dot variants do not count), or a row's gender or "
        "birth date contradicts its ID. Ledger rows paid under a guardian's ID do not count.",
    ),
    "rule.identity_conflict.action": (
        "对照户口本确认姓名和证件号码，更正填错的那一行；若是两个人共用了一个号码，须查清各自的真实号码。",
        "Check name and ID against the household register and correct the wrong row; if two "
        "people share one number, find each one's real ID.",
    ),
    "rule.identity_conflict.message": (
        "证件号码{id_masked}在各表中登记了{name_count}个不同姓名（{names}），本行为「{name}」，通常写作「{usual_name}」，请核实哪个正确。",
        "ID {id_masked} is recorded under {name_count} different names ({names}); this row says "
        "{name}, most rows say {usual_name}. Please check which is right.",
    ),
    "rule.identity_conflict.message_gender": (
        "「{name}」（{id_masked}）性别填写为{gender}，但证件号码表明为{id_gender}，请核实。",
        "{name} ({id_masked}) is recorded as {gender}, but the ID number says {id_gender}. Please check.",
    ),
    "rule.identity_conflict.message_birth_date": (
        "「{name}」（{id_masked}）出生日期填写为{birth_date}，但证件号码中为{id_birth_date}，请核实。",
        "{name} ({id_masked}) has birth date {birth_date}, but the ID number says {id_birth_date}. Please check.",
    ),
    "rule.identity_conflict.message_gender_birth_date": (
        "「{name}」（{id_masked}）性别填写为{gender}、出生日期为{birth_date}，但证件号码表明为{id_gender}、{id_birth_date}，可能填了别人的号码，请核实。",
        "{name} ({id_masked}) is recorded as {gender}, born {birth_date}, but the ID number says "
        "{id_gender}, born {id_birth_date}: it may be someone else's ID. Please check.",
    ),
    # DUPLICATE_ENROLLMENT
    "rule.duplicate_enrollment.title": ("重复学籍", "Duplicate enrollment"),
    "rule.duplicate_enrollment.description": (
        "同一学生在同一学期同时在两所及以上学校的学籍中为在读状态。转学时原校为转出、新校为在读的不算。",
        "One pupil is active (在读) at two or more schools in the same term. A transfer "
        "(转出 at the old school, 在读 at the new one) is not a duplicate.",
    ),
    "rule.duplicate_enrollment.action": (
        "联系相关学校核实学生实际就读学校，在学籍系统中为另一所学校办理转出或注销，并确认资助只在实际就读学校发放。",
        "Ask the schools where the pupil actually studies, have the other school's record "
        "transferred out or closed in the roster system, and make sure only one school pays aid.",
    ),
    "rule.duplicate_enrollment.message": (
        "「{name}」（{id_masked}）{term}在{schools}同时在读，疑似重复学籍。",
        "{name} ({id_masked}) is active at {schools} at the same time in {term}: probable duplicate enrollment.",
    ),
    # NOT_ENROLLED
    "rule.not_enrolled.title": ("疑似失学辍学", "Possibly out of school"),
    "rule.not_enrolled.description": (
        "名单中的人员在核查日处于义务教育年龄，但在核查学期没有任何在读学籍记录。"
        "若学籍表中没有核查学期的记录，则任一学期在读均视为在读。",
        "A registry person of compulsory-education age at the as-of date has no active roster "
        "row in the as-of term. When the rosters have no row for that term at all, being "
        "active in any roster term counts.",
    ),
    "rule.not_enrolled.action": (
        "逐一核实该儿童的就学情况：县外就读、送教上门、因病缓学的补充证明材料；确属失学辍学的，按控辍保学要求劝返复学。",
        "Check each child: schooling outside the county, home teaching (送教上门) or a health "
        "exemption needs evidence; a child who has really dropped out must be brought back to school.",
    ),
    "rule.not_enrolled.message": (
        "「{name}」（{id_masked}）现年{age}岁，{term}在所有学籍表中都没有在读记录，疑似失学辍学。",
        "{name} ({id_masked}), aged {age}, is active on no roster in {term}: possibly out of school.",
    ),
    "rule.not_enrolled.message_status": (
        "「{name}」（{id_masked}）现年{age}岁，{term}没有在读记录，最近一条学籍记录为{roster_school}{roster_term}「{roster_status}」，疑似失学辍学。",
        "{name} ({id_masked}), aged {age}, is active on no roster in {term}; the latest roster "
        "row says '{roster_status}' at {roster_school} {roster_term}: possibly out of school.",
    ),
    # PROBABLE_MATCH
    "rule.probable_match.title": ("疑似同一人", "Probable match"),
    "rule.probable_match.description": (
        "证件号码无效、被Excel破坏、未填写或填成学籍号的行，或只出现在一类表中、与他人号码仅差一位（或相邻两位颠倒）的行，"
        "其姓名和出生日期与另一张表中有有效证件号码的人相同（姓名读音相同的也提示）。只作提示，不会自动合并。",
        "A row whose ID is invalid, mangled by Excel, missing or a student number, or whose "
        "valid ID appears in one source only and is one typo away from another person's, has "
        "the same name and birth date as a person with a valid ID in another file (same-sounding "
        "names are proposed too). A suggestion only: nothing is merged.",
    ),
    "rule.probable_match.action": (
        "核对户口本，确认是同一人后在原表中填写正确的证件号码；不是同一人的可忽略。",
        "Check the household register; if it is the same person, enter the correct ID in the "
        "source sheet; otherwise ignore the suggestion.",
    ),
    "rule.probable_match.message": (
        "「{name}」与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名、出生日期（{birth_date}）相同，疑似同一人，请核实。",
        "{name} has the same name and birth date ({birth_date}) as {anchor_name} "
        "({anchor_id_masked}) in {anchor_file} row {anchor_row}: probably the same person. Please check.",
    ),
    "rule.probable_match.message_missing": (
        "「{name}」未填证件号码，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名、出生日期（{birth_date}）相同，疑似同一人，请核实后补填号码。",
        "{name} has no ID number and the same name and birth date ({birth_date}) as {anchor_name} "
        "({anchor_id_masked}) in {anchor_file} row {anchor_row}; please check and fill in the ID.",
    ),
    "rule.probable_match.message_student_no": (
        "「{name}」的证件号码栏填的是学籍号，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名、出生日期（{birth_date}）相同，疑似同一人，请核实后改填身份证号码。",
        "{name}'s ID column holds a student number; the same name and birth date ({birth_date}) "
        "as {anchor_name} ({anchor_id_masked}) in {anchor_file} row {anchor_row}. Please check and enter the ID.",
    ),
    "rule.probable_match.message_invalid": (
        "「{name}」的证件号码（{stray_id_masked}）无效，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名、出生日期（{birth_date}）相同，疑似同一人，请核实后更正号码。",
        "{name}'s ID number ({stray_id_masked}) is invalid; the same name and birth date ({birth_date}) "
        "as {anchor_name} ({anchor_id_masked}) in {anchor_file} row {anchor_row}. Please check and correct the ID.",
    ),
    "rule.probable_match.message_mangled": (
        "「{name}」的证件号码（{stray_id_masked}）被Excel破坏，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名相同、号码前几位一致，疑似同一人，请核实后补录完整号码。",
        "{name}'s ID number ({stray_id_masked}) was mangled by Excel; its surviving digits and "
        "the name match {anchor_name} ({anchor_id_masked}) in {anchor_file} row {anchor_row}. "
        "Please check and re-enter the full ID.",
    ),
    "rule.probable_match.message_near_id": (
        "「{name}」的证件号码（{stray_id_masked}）只出现在本类表中，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）仅差一位或相邻两位颠倒，且姓名、出生日期（{birth_date}）相同，疑似号码录错，请核实。",
        "{name}'s ID number ({stray_id_masked}) appears in no other source and is one typo away "
        "from {anchor_name}'s ({anchor_id_masked}) in {anchor_file} row {anchor_row}, with the "
        "same name and birth date ({birth_date}): probably mistyped. Please check.",
    ),
    "rule.probable_match.message_missing_pinyin": (
        "「{name}」未填证件号码，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名读音相同、出生日期（{birth_date}）相同，疑似同一人且姓名有错别字，请核实。",
        "{name} has no ID number; the name sounds like {anchor_name} ({anchor_id_masked}) in "
        "{anchor_file} row {anchor_row} and the birth date ({birth_date}) is the same: probably "
        "the same person with a misspelt name. Please check.",
    ),
    "rule.probable_match.message_student_no_pinyin": (
        "「{name}」的证件号码栏填的是学籍号，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名读音相同、出生日期（{birth_date}）相同，疑似同一人且姓名有错别字，请核实。",
        "{name}'s ID column holds a student number; the name sounds like {anchor_name} "
        "({anchor_id_masked}) in {anchor_file} row {anchor_row} and the birth date ({birth_date}) "
        "is the same: probably the same person with a misspelt name. Please check.",
    ),
    "rule.probable_match.message_invalid_pinyin": (
        "「{name}」的证件号码（{stray_id_masked}）无效，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名读音相同、出生日期（{birth_date}）相同，疑似同一人且姓名有错别字，请核实。",
        "{name}'s ID number ({stray_id_masked}) is invalid; the name sounds like {anchor_name} "
        "({anchor_id_masked}) in {anchor_file} row {anchor_row} and the birth date ({birth_date}) "
        "is the same: probably the same person with a misspelt name. Please check.",
    ),
    "rule.probable_match.message_mangled_pinyin": (
        "「{name}」的证件号码（{stray_id_masked}）被Excel破坏，与「{anchor_file}」第{anchor_row}行的{anchor_name}（{anchor_id_masked}）姓名读音相同、号码前几位一致，疑似同一人且姓名有错别字，请核实。",
        "{name}'s ID number ({stray_id_masked}) was mangled by Excel; its surviving digits match "
        "and the name sounds like {anchor_name} ({anchor_id_masked}) in {anchor_file} row "
        "{anchor_row}: probably the same person with a misspelt name. Please check.",
    ),
}
