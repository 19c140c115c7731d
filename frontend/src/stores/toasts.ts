/* Short notices (session ended, bonus claimed) shown in one polite live region. */
import { create } from 'zustand'

export interface Toast {
  id: number
  text: string
  tone: 'info' | 'good' | 'bad'
}

interface ToastState {
  toasts: Toast[]
  show: (text: string, tone?: Toast['tone']) => void
  dismiss: (id: number) => void
}

let nextId = 0

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  show: (text, tone = 'info') => {
    const id = ++nextId
    set((s) => ({ toasts: [...s.toasts.slice(-2), { id, text, tone }] }))
    setTimeout(() => get().dismiss(id), 6000)
  },
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}))
