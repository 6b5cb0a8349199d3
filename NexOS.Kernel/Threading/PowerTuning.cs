using NexOS.Core.Policy;

namespace NexOS.Kernel.Threading;

/// <summary>
/// The power tunables the power model may change. On one CPU every wake-up is an interrupt,
/// so the halt strategy is fixed (halt until the next interrupt, with the one-shot timer armed
/// only for the next real deadline: tickless); what remains to tune is how many deadlines
/// there are, through timer slack (<see cref="NexOS.Core.Scheduling.TimerSlack"/>).
/// </summary>
internal static class PowerTuning
{
    public static ParameterSet Parameters { get; } = new();

    /// <summary>Slack given to sleeping normal-class threads; 0 wakes them exactly.</summary>
    public static Parameter TimerSlackUs { get; } = Parameters.Add(new Parameter(
        "timer_slack_us", "us", 0, 20_000, 0, "sleepers (not real-time) wake at the next multiple of this"));
}
