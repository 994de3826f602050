"""Documents a visitor keeps: PDF tickets with their QR codes and the numbered receipt."""
