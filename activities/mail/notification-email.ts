/**
 * The notification email: Simplified Chinese first, English below. It says what happened, what to do and by when,
 * and links to the task in ChildSafe. It names the task kind and the case number only, never the child: the event it
 * is made from has no child data at all, and whoever opens the link signs in and is authorised first.
 */
import type { NotificationEvent } from '../notification-delivery';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  links: { rel: 'task' | 'case' | 'ledger' | 'inbox'; href: string }[];
}

const zhDate = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai',
  dateStyle: 'long',
  timeStyle: 'short',
  hourCycle: 'h23',
});
const enDate = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Shanghai',
  dateStyle: 'medium',
  timeStyle: 'short',
  hourCycle: 'h23',
});

function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

interface Lines {
  zhSubject: string;
  enSubject: string;
  zh: string;
  en: string;
}

function lines(
  event: NotificationEvent,
  label: { zh: string; en: string },
  caseRef: { zh: string; en: string },
): Lines {
  // The agency a notice did not reach, by name and duty phone: whom the person alerted is to call.
  const phone = event.agencyPhone;
  const unreached = event.agencyName
    ? {
        zh: `「${event.agencyName.zh}」${phone ? `（值班电话 ${phone}）` : ''}`,
        en: ` (${event.agencyName.en}${phone ? `, duty phone ${phone}` : ''})`,
      }
    : { zh: '', en: '' };
  switch (event.kind) {
    case 'task_created':
      return {
        zhSubject: `新任务：${label.zh}${caseRef.zh}`,
        enSubject: `New task: ${label.en}${caseRef.en}`,
        zh: `贵单位有一项新任务：「${label.zh}」${caseRef.zh}。请登录 ChildSafe 接收并办理。`,
        en: `Your agency has a new task: "${label.en}"${caseRef.en}. Please sign in to ChildSafe to accept and handle it.`,
      };
    case 'task_reminder':
      // Sent BEFORE the deadline: nothing here may read as overdue.
      return {
        zhSubject: `期限提醒（尚未超期）：${label.zh}${caseRef.zh}`,
        enSubject: `Reminder, not overdue yet: ${label.en}${caseRef.en}`,
        zh: `提醒：「${label.zh}」${caseRef.zh}的期限即将到来，目前尚未超期。请在期限前办理或作出安排。`,
        en: `Reminder: the deadline of "${label.en}"${caseRef.en} is coming up; it has not passed yet. Please act or arrange what is needed before it.`,
      };
    case 'task_escalated': {
      const level = event.escalationLevel ?? 1;
      return {
        zhSubject: `任务逾期升级（第${level}级）：${label.zh}${caseRef.zh}`,
        enSubject: `Escalation (level ${level}): ${label.en}${caseRef.en}`,
        zh: `任务「${label.zh}」${caseRef.zh}已超过期限仍未办理，现升级至您（第${level}级）。请督促承办单位或直接安排办理。`,
        en: `The task "${label.en}"${caseRef.en} has passed its deadline without action and is escalated to you (level ${level}). Please follow up with the agency or arrange the work yourself.`,
      };
    }
    case 'decision_needed':
      return {
        zhSubject: `已到期限，待您决定：${label.zh}${caseRef.zh}`,
        enSubject: `Deadline reached, decision needed: ${label.en}${caseRef.en}`,
        zh: `「${label.zh}」${caseRef.zh}已到政策规定的期限，不能自动延续，需要您作出决定（如延长、转为中长期监护或结束）。请登录 ChildSafe 查看并决定。`,
        en: `"${label.en}"${caseRef.en} has reached the limit the policy sets and cannot simply run on: it needs your decision (for example extend, move to medium/long-term guardianship, or end it). Please sign in to ChildSafe to review and decide.`,
      };
    case 'case_update':
      return {
        zhSubject: `案件有新情况：${label.zh}${caseRef.zh}`,
        enSubject: `New information: ${label.en}${caseRef.en}`,
        zh: `您正在办理的任务「${label.zh}」${caseRef.zh}所涉案件收到了新的报告。请登录 ChildSafe 查看，并在处置中一并考虑。`,
        en: `A new report has joined the case of your open task "${label.en}"${caseRef.en}. Please sign in to ChildSafe to read it and take it into account.`,
      };
    case 'accountability_finding':
      return {
        zhSubject: `迟报问责记录${caseRef.zh}`,
        enSubject: `Late-report finding${caseRef.en}`,
        zh: `一份强制报告晚于规定时限提交${caseRef.zh}，已记录为对报告单位的问责事项（长宁 四(一)）。请登录 ChildSafe 查看并督促整改。`,
        en: `A mandatory report was filed later than the deadline${caseRef.en} and is recorded as an accountability finding against the reporting unit (CN 四(一)). Please sign in to ChildSafe to review it and follow up.`,
      };
    case 'routed_to_fallback':
      return {
        zhSubject: `任务已转兜底单位：${label.zh}${caseRef.zh}`,
        enSubject: `Task taken by the district fallback: ${label.en}${caseRef.en}`,
        zh: `任务「${label.zh}」${caseRef.zh}在机构名录中找不到属地承办单位，已按“一门受理、协同办理”转由区级兜底单位办理（丰台 三(三)2）。请核实报告地点并视情改派。`,
        en: `The directory has no local agency for the task "${label.en}"${caseRef.en}; the district fallback agency took it ("one door accepts", FT 三(三)2). Please check the reported place and reassign if needed.`,
      };
    case 'case_needs_attention':
      return {
        zhSubject: `案件需要关注${caseRef.zh}`,
        enSubject: `Case needs attention${caseRef.en}`,
        zh: `案件${caseRef.zh}的处理流程出现故障或停滞，报告可能尚未送达承办单位。请立即登录 ChildSafe 查看并安排处置。`,
        en: `The process of the case${caseRef.en} has failed or stalled; the report may not have reached an agency. Please sign in to ChildSafe now and arrange the response.`,
      };
    case 'ledger_visit_missed':
      return {
        zhSubject: '台账儿童定期走访逾期',
        enSubject: 'Ledger visit overdue',
        // The interval's clause is the child's district pack's (below, "政策依据"): none is written into the text.
        zh: '本街道台账上一名儿童的定期走访已超过应走访日期，仍未记录走访情况。请登录 ChildSafe 打开台账，筛选“走访逾期”，督促居（村）委会儿童主任尽快走访。',
        en: 'A periodic visit to a child on your street\'s ledger has passed its due date without a recorded visit. Please sign in to ChildSafe, open the ledger, filter by "visit overdue" and have the committee\'s child welfare supervisor visit soon.',
      };
    case 'delivery_failed':
      // A ledger child's missed-visit notice (no task, the child's file by id): the street was not told.
      if (!event.taskId && event.childId)
        return {
          zhSubject: '台账走访逾期通知未能送达',
          enSubject: 'Ledger visit notice not delivered',
          zh: `本区一条街道台账儿童定期走访逾期的通知邮件无法送达该街道${unreached.zh}。请通过电话等其他方式告知街道，督促尽快走访，并核对街道的联系邮箱。`,
          en: `The notice that a child on a street's ledger is overdue for a periodic visit could not be delivered to the street${unreached.en}. Please tell the street another way, such as by phone, have the child visited soon, and check the street's contact address.`,
        };
      return {
        zhSubject: `通知未能送达：${label.zh}${caseRef.zh}`,
        enSubject: `Notification not delivered: ${label.en}${caseRef.en}`,
        zh: `任务「${label.zh}」${caseRef.zh}的通知邮件无法送达承办单位${unreached.zh}。请通过电话等其他方式联系该单位，并核对其联系邮箱。`,
        en: `The notification of the task "${label.en}"${caseRef.en} could not be delivered to the agency${unreached.en}. Please reach the agency another way, such as by phone, and check its contact address.`,
      };
    case 'missed_notice':
      return {
        zhSubject: `漏送通知督办：${label.zh}${caseRef.zh}`,
        enSubject: `Missed notice escalated: ${label.en}${caseRef.en}`,
        zh: `任务「${label.zh}」${caseRef.zh}的通知未能送达承办单位${unreached.zh}（邮件被拒收），该单位可能并不知道这项任务，而法定期限已在计算。现作为漏送通知升级至您：请立即通过电话或当面通知该单位，必要时另行安排办理。`,
        en: `The agency${unreached.en} was never notified of the task "${label.en}"${caseRef.en} (its mail was refused), so it may not know of the task while the legal deadline runs. This is escalated to you as a missed notice: reach the agency now by phone or in person, and arrange the work another way if needed.`,
      };
  }
}

export function renderNotificationEmail(event: NotificationEvent, options: { publicUrl: string }): RenderedEmail {
  const base = options.publicUrl.replace(/\/+$/, '');
  const label = event.taskLabel ?? { zh: event.taskKind ?? '任务', en: event.taskKind ?? 'task' };
  // A case is named by its readable number, never by its id (which only the link carries).
  const caseRef = event.caseNumber
    ? { zh: `（案件 ${event.caseNumber}）`, en: ` (case ${event.caseNumber})` }
    : { zh: '', en: '' };
  const { zhSubject, enSubject, zh, en } = lines(event, label, caseRef);

  const links: RenderedEmail['links'] = [];
  if (event.taskId) links.push({ rel: 'task', href: `${base}/tasks/${encodeURIComponent(event.taskId)}` });
  else if (event.caseId) links.push({ rel: 'case', href: `${base}/cases/${encodeURIComponent(event.caseId)}` });
  else if (event.childId)
    links.push({ rel: 'ledger', href: `${base}/ledger/children/${encodeURIComponent(event.childId)}` });
  else links.push({ rel: 'inbox', href: `${base}/inbox` });
  const link = links[0]!.href;
  // What the link opens, in words: a ledger notice has no task to view.
  const open = { task: '查看任务', case: '查看案件', ledger: '查看儿童台账', inbox: '查看通知' }[links[0]!.rel];

  const due = event.dueAt ? new Date(event.dueAt) : undefined;
  const overdue = event.kind === 'task_escalated';
  const zhParts = [
    zh,
    ...(due ? [`${overdue ? '原定期限' : '办理期限'}：${zhDate.format(due)}（北京时间）`] : []),
    ...(event.policyClause ? [`政策依据：${event.policyClause}`] : []),
    `${open}：${link}`,
  ];
  const enParts = [
    en,
    ...(due ? [`${overdue ? 'Was due by' : 'Due by'}: ${enDate.format(due)} (China Standard Time)`] : []),
    ...(event.policyClause ? [`Policy basis: ${event.policyClause}`] : []),
    `Open: ${link}`,
  ];
  const zhFooter = '此邮件由 ChildSafe 儿童保护转介系统自动发送，不含儿童个人信息；详情请登录系统查看。';
  const enFooter =
    'Sent automatically by ChildSafe. It carries no personal data about the child; sign in to see the details.';

  const text = [...zhParts, '', zhFooter, '', '----', '', ...enParts, '', enFooter, ''].join('\n');
  const paragraph = (s: string) => `<p>${escapeHtml(s)}</p>`;
  const anchor = `<a href="${escapeHtml(link)}">${escapeHtml(link)}</a>`;
  const html = [
    '<div lang="zh-CN">',
    ...zhParts.slice(0, -1).map(paragraph),
    `<p>${open}：${anchor}</p>`,
    `<p><small>${escapeHtml(zhFooter)}</small></p>`,
    '</div><hr><div lang="en">',
    ...enParts.slice(0, -1).map(paragraph),
    `<p>Open: ${anchor}</p>`,
    `<p><small>${escapeHtml(enFooter)}</small></p>`,
    '</div>',
  ].join('\n');

  return { subject: `[ChildSafe] ${zhSubject} / ${enSubject}`, text, html, links };
}
