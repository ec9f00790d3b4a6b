import Link from 'next/link';

/** Any address the app does not have (a room link with a bad id has its own page). */
export default function NotFound() {
  return (
    <main className="centered">
      <div className="card">
        <h1>Page not found</h1>
        <p className="muted">
          There is nothing at this address. To join a meeting, open the link you were sent or enter
          its room id on the start page.
        </p>
        <Link className="button primary" href="/">
          Go to the start page
        </Link>
      </div>
    </main>
  );
}
