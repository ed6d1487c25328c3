"""``python -m kg``: the same CLI as the ``kg`` command (handy in a checkout: ``PYTHONPATH=. python -m kg``)."""

from kg.cli import main

if __name__ == "__main__":
    main()
