import { useEffect } from 'react'

/** Sets the document title for the page on screen. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Casino-Club` : 'Casino-Club'
  }, [title])
}
