import Link from 'next/link';

/** `/room/<something that cannot be a room id>`. */
export default function RoomNotFound() {
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
