"""One-to-one consultation appointments: counsellors, their weekly hours, slots, bookings."""
