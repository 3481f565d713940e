// Generated from Examples/period-report.tally by `python3 Scripts/gen-demo-script.py`
// (make demo-script). Do not edit by hand: DemoScriptTests checks it equals the file.

/// The period report `tally demo` runs, built into the binary so it runs from any folder.
enum DemoScript {
    static let name = "period-report.tally"
    static let text = #"""
-- 每期全员培训工作总结: the period report (figures F1–F15 of the exports), computed from one period's exports.
--   tally run Examples/period-report.tally --set data=DIR [--set period=2002] [--format markdown]

set data = "exports/2002"
set period = "2002"
load "{data}"

measure passrate = sum(passed) / sum(participated) * 100
measure participation = sum(participated) / count * 100

-- 一、培训概况 (F1–F9): counted from enrollments, one row per teacher per course.
let F1 = count enrollments where project = "市常规远程培训"
let F2 = count enrollments where project = "提升工程2.0"
let F3 = count enrollments where project in ("市常规远程培训", "提升工程2.0")
let F4 = count enrollments where project in ("市常规远程培训", "提升工程2.0") and participated
let F5 = count enrollments where project = "市常规远程培训" and participated
let F6 = count enrollments where project = "提升工程2.0" and participated
let F7_in_service = count teachers where in_service
let F7_participants = count teachers where in_service and teacher_id in (enrollments where paid)
let F8_logins = count logins
let F8_posts = count posts
let F8_assignments = count assignments
let F9 = count enrollments where project = "市级面授"

-- 二、市级远程培训 (F10–F14): the remote project's courses, tutors and survey.
let F10 = count courses where project = "市常规远程培训"
let F11 = passrate enrollments where project = "市常规远程培训"
let F12_banded = count courses where project = "市常规远程培训" and enrolled > 0
let F12_zero = count courses where project = "市常规远程培训" and enrolled = 0
let F13_courses = count courses where tutors > 0
let F13_tutors = count distinct tutor_id tutors

-- 三、提升工程2.0 (F15)
let F15 = count enrollments where project = "提升工程2.0" and passed

print "# {period} 期中小学教师继续教育全员培训工作总结"
print "## 一、{period} 期全员培训概况"
print "市常规远程培训 {period} 期培训人次 {F1} 人次；信息技术应用能力提升工程 2.0 培训 {period} 期培训人次为 {F2} 人次；总培训人次为 {F3} 人次。"
print "此次培训参训人次为 {F3}，实际参训人次 {F4}，总体参训率 {F4 / F3 * 100}%。其中市常规远程培训参训人次为 {F1}，实际参训人次 {F5}，总体参训率 {F5 / F1 * 100}%。提升工程 2.0 参训人次 {F2}，实际参训人次 {F6} 人，总体参训率 {F6 / F2 * 100}%。"
print "{period} 期教师有效在职人数为 {F7_in_service} 人，实际参训人数（选课并已支付）为 {F7_participants} 人，参训率 {F7_participants / F7_in_service * 100}%。学员共登录学习平台 {F8_logins / 10000:.1} 万次，发表教学讨论贴 {F8_posts} 个，提交课程学习作业 {F8_assignments} 篇（道）。"
print "{period} 期市级面授课程培训人次为 {F9} 人次，市级远程培训+市级面授培训总人次为：{F3}+{F9}={F3 + F9} 人次。"

print "## 二、{period} 期市级远程培训"
print "### （一）总体情况"
print "本次培训共开设市级远程课程 {F10} 门，总培训人次为 {F1}（本部分的统计不包括提升工程培训）。"
print "### （二）学员学习情况"
print "学员通过率（获得学时率）为 {F11}%。另外，选课人数为 0 的课程有 {F12_zero} 门。"
print "表 1 {period} 期学员参与的全员培训课程通过率情况统计"
passrate as 通过率 courses where project = "市常规远程培训" and enrolled > 0
    bucket 90, 80, 70, 60 as 课程数 pct as 占比 total "合计"
print "### （三）辅导教师工作情况"
print "{period} 期共有 {F13_courses} 门课程配置有辅导教师，辅导教师总人数为 {F13_tutors} 人。"
print "表 2 {period} 期学员对辅导教师评价调查"
count as 人数 tutor_ratings by rating as 评价 pct as 占比
    sort 评价 ("很满意", "满意", "一般", "不满意", "很不满意", "未参与评价") total "合计"

print "## 三、信息技术应用能力提升工程 2.0 培训"
print "{period} 期提升工程 2.0 培训报读人次为 {F2}，实际参与学习的人次 {F6}，参训率 {F6 / F2 * 100}%，通过培训人次 {F15}，通过率 {F15 / F2 * 100}%。"

-- Before publishing: the figures must agree with each other and with the course table.
check F3 = F1 + F2
check (sum(enrolled) courses) = (count enrollments)
check (sum(participated) courses) = (count enrollments where participated)
check (sum(passed) courses) = (count enrollments where passed)
check (count courses where enrolled = 0 and course_id in (enrollments)) = 0
check F12_banded + F12_zero = F10
-- The published report says 1703 remote courses, but its own Table 1 adds up to 1705.
warn F10 = 1703

"""#
}
