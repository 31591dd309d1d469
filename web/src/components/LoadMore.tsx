import type { UseInfiniteQueryResult } from '@tanstack/react-query'
import { Button } from 'react-aria-components'

import { ErrorNotice } from './ErrorNotice'

type Pages = Pick<
  UseInfiniteQueryResult,
  'hasNextPage' | 'isFetchingNextPage' | 'fetchNextPage' | 'isFetchNextPageError' | 'error'
>

/** The next page of a cursor-paged list, on request, and why it failed if it did. */
export function LoadMore({ pages, label }: { pages: Pages; label: string }) {
  return (
    <>
      {pages.hasNextPage && (
        <p>
          <Button className="button" onPress={() => void pages.fetchNextPage()} isDisabled={pages.isFetchingNextPage}>
            {pages.isFetchingNextPage ? 'Loading…' : label}
          </Button>
        </p>
      )}
      {pages.isFetchNextPageError && <ErrorNotice error={pages.error} />}
    </>
  )
}
