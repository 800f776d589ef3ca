"""Leaders' reception days: sessions, bookings and visits."""
