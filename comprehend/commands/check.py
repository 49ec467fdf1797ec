from comprehend.commands._common import not_built

command = not_built("check", "Review a change with the adversary; a pre-merge gate for CI")
