"""Knowledge base articles, search and suggested answers."""
