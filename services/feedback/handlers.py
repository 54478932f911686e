"""What the feedback service does with the events it hears."""

from shared.events.inbox import dispatcher

handle = dispatcher({})
