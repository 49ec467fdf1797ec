from comprehend.commands._common import not_built

command = not_built("team", "Show the team's comprehension debt, week by week")
