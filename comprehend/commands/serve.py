from comprehend.commands._common import not_built

command = not_built("serve", "Serve the review in a web browser")
