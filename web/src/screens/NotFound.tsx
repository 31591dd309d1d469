import { Link } from 'react-router'

import { PageHeader } from '../components/PageHeader'

export function NotFound() {
  return (
    <div>
      <PageHeader title="Page not found" />
      <p>There is no page at this address.</p>
      <Link to="/sessions">Go to your sessions</Link>
    </div>
  )
}
