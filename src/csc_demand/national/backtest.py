def national_backtest(*a, **k): raise NotImplementedError
