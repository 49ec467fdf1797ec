from comprehend.cli import main

main()
