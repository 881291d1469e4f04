import { Link } from 'react-router-dom'
import { homePathFor, useAuth } from '../auth/AuthContext'
import { PageHeader } from '../components/ui'

export function NotFound() {
  const { me, status } = useAuth()
  return (
    <div className={status === 'authenticated' ? 'page' : 'center-page'}>
      <div>
        <PageHeader title="Page not found" />
        <p>There is no page at this address. It may have moved, or the link is mistyped.</p>
        <p>
          <Link to={status === 'authenticated' ? homePathFor(me?.user.role) : '/login'}>
            {status === 'authenticated' ? 'Go to your start page' : 'Go to sign in'}
          </Link>
        </p>
      </div>
    </div>
  )
}
