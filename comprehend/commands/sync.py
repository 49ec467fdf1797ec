from comprehend.commands._common import not_built

command = not_built("sync", "Share quiz answers and review runs with a team store")
