import { defineMessages } from '../../lib/i18n/i18n.ts'

export const notifyMessages = defineMessages(
  {
    title: 'Notifications',
    bell: (unread: number) => (unread === 0 ? 'Notifications, none unread' : `Notifications, ${unread} unread`),
    markAllRead: 'Mark all read',
    markRead: 'Mark read',
    markReadOf: (title: string) => `Mark “${title}” read`,
    unread: 'Unread',
    read: 'Read',
    empty: 'No notifications yet.',
    older: 'Load older',
    justNow: 'just now',
    kinds: { reward: 'Reward', announce: 'Announcement', admin: 'From the team', system: 'System' } as Record<string, string>,
  },
  {
    title: '알림',
    bell: (unread: number) => (unread === 0 ? '알림, 읽지 않은 알림 없음' : `알림, 읽지 않은 알림 ${unread}개`),
    markAllRead: '모두 읽음으로 표시',
    markRead: '읽음으로 표시',
    markReadOf: (title: string) => `“${title}” 읽음으로 표시`,
    unread: '읽지 않음',
    read: '읽음',
    empty: '아직 알림이 없습니다.',
    older: '이전 알림 더 보기',
    justNow: '방금',
    kinds: { reward: '보상', announce: '공지', admin: '운영팀', system: '시스템' } as Record<string, string>,
  },
)
