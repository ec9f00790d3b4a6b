import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="centered">
      <div className="card">
        <h1>This room does not exist</h1>
        <p className="muted">
          Room ids use letters, digits, “-” and “_”. Check the link you were sent.
        </p>
        <Link className="button primary" href="/">
          Go to the start page
        </Link>
      </div>
    </main>
  );
}
