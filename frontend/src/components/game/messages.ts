import { defineMessages } from '../../lib/i18n/i18n.ts'

const ranges = ['1–12', '13–24', '25–36']
const enBets: Record<string, string> = { red: 'Red', black: 'Black', odd: 'Odd', even: 'Even', low: 'Low 1–18', high: 'High 19–36' }
const koBets: Record<string, string> = { red: '빨강', black: '검정', odd: '홀수', even: '짝수', low: '로우 1–18', high: '하이 19–36' }

export const gameMessages = defineMessages(
  {
    symbols: { WILD: 'Wild', SEVEN: 'Seven', BAR: 'Bar', BELL: 'Bell', CHERRY: 'Cherry', LEMON: 'Lemon', GRAPE: 'Grape' },
    hands: { rock: 'Rock', paper: 'Paper', scissors: 'Scissors' },
    rarities: { LEGENDARY: 'Legendary', EPIC: 'Epic', RARE: 'Rare', COMMON: 'Common' } as Record<string, string>,
    featured: 'Featured',
    colors: { red: 'red', black: 'black', green: 'green' },
    pocket: (n: number, color: string) => `${n} ${color}`,
    betName: (type: string, value?: number) =>
      type === 'straight' ? `Straight ${value}` : type === 'dozen' ? `Dozen ${ranges[(value ?? 1) - 1]}` : type === 'column' ? `Column ${value}` : (enBets[type] ?? type),
  },
  {
    symbols: { WILD: '와일드', SEVEN: '세븐', BAR: '바', BELL: '벨', CHERRY: '체리', LEMON: '레몬', GRAPE: '포도' },
    hands: { rock: '바위', paper: '보', scissors: '가위' },
    rarities: { LEGENDARY: '전설', EPIC: '에픽', RARE: '레어', COMMON: '일반' } as Record<string, string>,
    featured: '픽업',
    colors: { red: '빨강', black: '검정', green: '초록' },
    pocket: (n: number, color: string) => `${n} ${color}`,
    betName: (type: string, value?: number) =>
      type === 'straight' ? `스트레이트 ${value}` : type === 'dozen' ? `더즌 ${ranges[(value ?? 1) - 1]}` : type === 'column' ? `${value}번 컬럼` : (koBets[type] ?? type),
  },
)
