from nafolo.cli.main import app

app()
