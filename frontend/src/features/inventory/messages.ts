import { defineMessages } from '../../lib/i18n/i18n.ts'

export const inventoryMessages = defineMessages(
  {
    title: 'Inventory',
    sub: 'Every item you own, from pulls and the shop.',
    search: 'Search items',
    searchPlaceholder: 'Name…',
    rarity: 'Rarity',
    all: 'All',
    shown: (n: number, total: number) => (n === total ? `${total} item${total === 1 ? '' : 's'}` : `${n} of ${total} items`),
    qty: (n: string) => `×${n}`,
    qtyLong: (n: string) => `You own ${n}`,
    empty: 'No items yet: pull on a banner or visit the shop.',
    noMatch: 'No item matches these filters.',
    toGacha: 'Go to the gacha',
    toShop: 'Go to the shop',
  },
  {
    title: '인벤토리',
    sub: '뽑기와 상점에서 얻은 모든 아이템.',
    search: '아이템 검색',
    searchPlaceholder: '이름…',
    rarity: '등급',
    all: '전체',
    shown: (n: number, total: number) => (n === total ? `아이템 ${total}종` : `${total}종 중 ${n}종`),
    qty: (n: string) => `×${n}`,
    qtyLong: (n: string) => `${n}개 보유`,
    empty: '아직 아이템이 없습니다. 배너에서 뽑거나 상점을 둘러보세요.',
    noMatch: '조건에 맞는 아이템이 없습니다.',
    toGacha: '뽑기로 가기',
    toShop: '상점으로 가기',
  },
)
