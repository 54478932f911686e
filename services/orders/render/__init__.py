"""What the orders service renders: its mails to customers and its portal pages."""
