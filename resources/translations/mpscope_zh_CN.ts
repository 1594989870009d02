<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AgoAxis</name>
    <message>
        <source>now</source>
        <translation>现在</translation>
    </message>
    <message>
        <source>{0} min</source>
        <translation>{0} 分钟</translation>
    </message>
    <message>
        <source>{0} s</source>
        <translation>{0} 秒</translation>
    </message>
</context>
<context>
    <name>CloseGuard</name>
    <message>
        <source>Workers are still running</source>
        <translation>仍有工作进程在运行</translation>
    </message>
    <message>
        <source>{n} process(es) are still running.</source>
        <translation>仍有 {n} 个进程在运行。</translation>
    </message>
    <message>
        <source>As in Python: daemon processes ({daemons}, pool processes included) end with mpscope; the other {others} are waited for until they finish.

Wait: end the daemons, let the others finish, then close.
Terminate all: send SIGTERM to every process now, then close.</source>
        <translation>与 Python 中一样：守护进程（{daemons} 个，包括进程池的进程）随 mpscope 一起结束；其余 {others} 个进程会等到它们运行完毕。

等待：结束守护进程，让其余进程运行完毕，然后关闭。
全部终止：立即向所有进程发送 SIGTERM，然后关闭。</translation>
    </message>
    <message>
        <source>Wait for workers</source>
        <translation>等待工作进程</translation>
    </message>
    <message>
        <source>Terminate all</source>
        <translation>全部终止</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Terminating every process, then closing…</source>
        <translation>正在终止所有进程，随后关闭…</translation>
    </message>
    <message>
        <source>Waiting for the non-daemon workers to finish, then closing (close again to choose otherwise)…</source>
        <translation>正在等待非守护工作进程结束，随后关闭（再次关闭可另作选择）…</translation>
    </message>
    <message>
        <source>Interrupted again: killing every process…</source>
        <translation>再次中断：正在强制结束所有进程…</translation>
    </message>
    <message>
        <source>Interrupted: stopping every process, then closing (interrupt again to kill them now)…</source>
        <translation>已中断：正在停止所有进程，随后关闭（再次中断可立即强制结束它们）…</translation>
    </message>
</context>
<context>
    <name>CodeView</name>
    <message>
        <source>The code this lesson runs</source>
        <translation>本课运行的代码</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy the whole code to the clipboard</source>
        <translation>将全部代码复制到剪贴板</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>已复制</translation>
    </message>
</context>
<context>
    <name>CompareCharts</name>
    <message>
        <source>seconds since each run&apos;s start</source>
        <translation>自各次运行开始以来的秒数</translation>
    </message>
    <message>
        <source>run #{0} (A)</source>
        <translation>运行 #{0}（A）</translation>
    </message>
    <message>
        <source>run #{0} (B)</source>
        <translation>运行 #{0}（B）</translation>
    </message>
    <message>
        <source>CPU, mean of the cores (%)</source>
        <translation>CPU，各核心平均 (%)</translation>
    </message>
    <message>
        <source>Progress (% done)</source>
        <translation>进度（完成 %）</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Run #{a} and run #{b} compared — mpscope</source>
        <translation>运行 #{a} 与运行 #{b} 的比较 — mpscope</translation>
    </message>
    <message>
        <source>Comparing run #{a} and run #{b}…</source>
        <translation>正在比较运行 #{a} 和运行 #{b}…</translation>
    </message>
    <message>
        <source>Run #{0}</source>
        <translation>运行 #{0}</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close the comparison</source>
        <translation>关闭比较</translation>
    </message>
    <message>
        <source>These runs cannot be compared: {reason}</source>
        <translation>无法比较这些运行：{reason}</translation>
    </message>
    <message>
        <source>items/s</source>
        <translation>项/秒</translation>
    </message>
    <message>
        <source>progress units/s</source>
        <translation>进度单位/秒</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Exit status</source>
        <translation>退出状态</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Throughput ({unit})</source>
        <translation>吞吐量（{unit}）</translation>
    </message>
    <message>
        <source>Workers finished</source>
        <translation>完成的工作进程</translation>
    </message>
    <message>
        <source>Worker outcomes</source>
        <translation>工作进程结果</translation>
    </message>
    <message>
        <source>Worker time, mean</source>
        <translation>工作进程用时（平均）</translation>
    </message>
    <message>
        <source>Worker time, longest</source>
        <translation>工作进程用时（最长）</translation>
    </message>
    <message>
        <source>Pool tasks</source>
        <translation>进程池任务</translation>
    </message>
    <message>
        <source>Pool items done</source>
        <translation>进程池已完成数据项</translation>
    </message>
    <message>
        <source>Mean CPU per core</source>
        <translation>每个核心的平均 CPU</translation>
    </message>
    <message>
        <source>{value} (only {n} items: not meaningful)</source>
        <translation>{value}（只有 {n} 项：没有参考意义）</translation>
    </message>
    <message>
        <source>No speedup: a run has no recorded duration.</source>
        <translation>无法计算加速比：有一次运行没有记录时长。</translation>
    </message>
    <message>
        <source>Run #{b} was &lt;b&gt;{x:.2f}× faster&lt;/b&gt; than run #{a} (speedup {x:.2f}).</source>
        <translation>运行 #{b} 的速度是运行 #{a} 的 &lt;b&gt;{x:.2f} 倍&lt;/b&gt;（加速比 {x:.2f}）。</translation>
    </message>
    <message>
        <source>Run #{b} was &lt;b&gt;{x:.2f}× slower&lt;/b&gt; than run #{a} (speedup {s:.2f}).</source>
        <translation>运行 #{b} 的耗时是运行 #{a} 的 &lt;b&gt;{x:.2f} 倍&lt;/b&gt;（加速比 {s:.2f}）。</translation>
    </message>
    <message>
        <source>Throughput ratio B/A: {r:.2f} (run #{b}&apos;s items or progress per second over run #{a}&apos;s; above 1, B did more per second).</source>
        <translation>吞吐量之比 B/A：{r:.2f}（运行 #{b} 每秒完成的数据项或进度除以运行 #{a} 的；大于 1 表示 B 每秒做得更多）。</translation>
    </message>
    <message>
        <source>No throughput ratio: too few pool items to time.</source>
        <translation>没有吞吐量之比：进程池数据项太少，无法计时。</translation>
    </message>
    <message>
        <source>Same configuration.</source>
        <translation>配置相同。</translation>
    </message>
    <message>
        <source>&lt;b&gt;Different configurations&lt;/b&gt;: compare with care.</source>
        <translation>&lt;b&gt;配置不同&lt;/b&gt;：比较时请注意。</translation>
    </message>
</context>
<context>
    <name>CpuPanel</name>
    <message>
        <source>1 min</source>
        <translation>1 分钟</translation>
    </message>
    <message>
        <source>5 min</source>
        <translation>5 分钟</translation>
    </message>
    <message>
        <source>15 min</source>
        <translation>15 分钟</translation>
    </message>
    <message>
        <source>Show the last {0}</source>
        <translation>显示最近 {0}</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Freeze the charts; samples are still collected</source>
        <translation>冻结图表；仍会继续采样</translation>
    </message>
    <message>
        <source>CPU per core: {0} cores, a row each</source>
        <translation>每个核心的 CPU：共 {0} 个核心，每行一个</translation>
    </message>
    <message>
        <source>core {0}</source>
        <translation>核心 {0}</translation>
    </message>
    <message>
        <source>CPU per core (%)</source>
        <translation>每个核心的 CPU (%)</translation>
    </message>
    <message>
        <source>average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>{0} cores · average {1:.0f} %</source>
        <translation>{0} 个核心 · 平均 {1:.0f} %</translation>
    </message>
    <message>
        <source>pid {0}</source>
        <translation>PID {0}</translation>
    </message>
    <message>
        <source>{0}, ended</source>
        <translation>{0}，已结束</translation>
    </message>
    <message>
        <source>CPU per process (%)</source>
        <translation>每个进程的 CPU (%)</translation>
    </message>
    <message>
        <source>mpscope itself</source>
        <translation>mpscope 自身</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
</context>
<context>
    <name>EventLog</name>
    <message>
        <source>Select an error to see its traceback here.</source>
        <translation>选择一个错误，即可在此查看其回溯信息。</translation>
    </message>
</context>
<context>
    <name>EventsModel</name>
    <message>
        <source>state</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>log</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>callback</source>
        <translation>回调</translation>
    </message>
    <message>
        <source>error callback</source>
        <translation>错误回调</translation>
    </message>
    <message>
        <source>task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>pool</source>
        <translation>进程池</translation>
    </message>
    <message>
        <source>stack</source>
        <translation>调用栈</translation>
    </message>
    <message>
        <source>memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>What</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>run</source>
        <translation>运行</translation>
    </message>
</context>
<context>
    <name>EventsPanel</name>
    <message>
        <source>Show the events of one worker</source>
        <translation>只显示一个工作进程的事件</translation>
    </message>
    <message>
        <source>All workers</source>
        <translation>所有工作进程</translation>
    </message>
    <message>
        <source>Run and pool</source>
        <translation>运行与进程池</translation>
    </message>
    <message>
        <source>Show only some kinds of event</source>
        <translation>只显示部分类型的事件</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Everything</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>所有类型</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>搜索…</translation>
    </message>
    <message>
        <source>Copy rows</source>
        <translation>复制行</translation>
    </message>
    <message>
        <source>Select an error to see its traceback here.</source>
        <translation>选择一个错误，即可在此查看其回溯信息。</translation>
    </message>
    <message>
        <source>Copy traceback</source>
        <translation>复制回溯</translation>
    </message>
    <message>
        <source>Jump to latest</source>
        <translation>跳到最新</translation>
    </message>
    <message>
        <source>Follow new events again</source>
        <translation>重新跟随新事件</translation>
    </message>
    <message>
        <source>{0:,} events · {1:,} shown</source>
        <translation>{0:,} 个事件 · 显示 {1:,} 个</translation>
    </message>
    <message>
        <source>the last {0:,} kept</source>
        <translation>仅保留最近 {0:,} 条</translation>
    </message>
    <message>
        <source>{0} of {1} kinds</source>
        <translation>{0}/{1} 类</translation>
    </message>
    <message>
        <source>{0:,} new events ↓</source>
        <translation>{0:,} 个新事件 ↓</translation>
    </message>
</context>
<context>
    <name>FollowActions</name>
    <message>
        <source>Open a &amp;live run…</source>
        <translation>打开正在进行的运行(&amp;L)…</translation>
    </message>
    <message>
        <source>Show a run recorded on this machine by another mpscope, live</source>
        <translation>实时显示本机上另一个 mpscope 正在记录的运行</translation>
    </message>
    <message>
        <source>&amp;Watch a run on another machine…</source>
        <translation>查看另一台机器上的运行(&amp;W)…</translation>
    </message>
    <message>
        <source>Choose a live run on another machine and follow it over SSH</source>
        <translation>通过 SSH 选择另一台机器上正在进行的运行并跟随它</translation>
    </message>
    <message>
        <source>A run is going on</source>
        <translation>有一个运行正在进行</translation>
    </message>
    <message>
        <source>Follow another run once this one has ended.</source>
        <translation>请在当前运行结束后再跟随另一个运行。</translation>
    </message>
    <message>
        <source>{name} — following live — mpscope</source>
        <translation>{name} — 实时跟随中 — mpscope</translation>
    </message>
    <message>
        <source>Following {name} live: its commands go to the process that owns it. Closing this window leaves the run running.</source>
        <translation>正在实时跟随 {name}：命令会发送给拥有它的进程。关闭此窗口不会结束该运行。</translation>
    </message>
    <message>
        <source>{name} — ended (exit status {code}) — mpscope</source>
        <translation>{name} — 已结束（退出状态 {code}）— mpscope</translation>
    </message>
</context>
<context>
    <name>GroupEditor</name>
    <message>
        <source>daemon</source>
        <translation>守护进程</translation>
    </message>
    <message>
        <source>A built-in task, or your own as package.module:function</source>
        <translation>内置任务，或你自己的任务（写作 package.module:function）</translation>
    </message>
    <message>
        <source>How many processes run this task</source>
        <translation>运行此任务的进程数</translation>
    </message>
    <message>
        <source>Daemon processes end with mpscope and cannot have children; must be chosen before start()</source>
        <translation>守护进程随 mpscope 一起结束，且不能创建子进程；必须在 start() 之前设置</translation>
    </message>
    <message>
        <source>default: the task&apos;s name</source>
        <translation>默认：任务名称</translation>
    </message>
    <message>
        <source>A label for the group, unique in the run</source>
        <translation>该组的名称，在本次运行中唯一</translation>
    </message>
    <message>
        <source>Keyword arguments as TOML: key = value, …</source>
        <translation>关键字参数，TOML 格式：key = value, …</translation>
    </message>
    <message>
        <source>Remove this group</source>
        <translation>删除此组</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Count</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>参数</translation>
    </message>
    <message>
        <source>Worker group {n}</source>
        <translation>工作进程组 {n}</translation>
    </message>
    <message>
        <source>not key = value pairs in TOML: {reason}</source>
        <translation>不是 TOML 格式的 key = value 键值对：{reason}</translation>
    </message>
</context>
<context>
    <name>HistoryJobs</name>
    <message>
        <source>the database is locked by another program (still busy after 5 s)</source>
        <translation>数据库被另一个程序锁定（5 秒后仍然忙）</translation>
    </message>
    <message>
        <source>the database file is damaged ({reason})</source>
        <translation>数据库文件已损坏（{reason}）</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <source>History actions</source>
        <translation>历史操作</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Show the selected run&apos;s charts, workers and events as they were</source>
        <translation>按当时的样子显示所选运行的图表、工作进程和事件</translation>
    </message>
    <message>
        <source>Compare</source>
        <translation>比较</translation>
    </message>
    <message>
        <source>Compare the two selected runs: durations, throughput, speedup</source>
        <translation>比较所选的两次运行：时长、吞吐量、加速比</translation>
    </message>
    <message>
        <source>Write the selected runs as JSON into a folder</source>
        <translation>将所选运行以 JSON 格式写入文件夹</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>导出 JSON…</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Write the selected runs as CSV files into a folder</source>
        <translation>将所选运行以 CSV 文件写入文件夹</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Delete the selected runs from the history (asks first)</source>
        <translation>从历史中删除所选运行（会先询问）</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Read the run history again</source>
        <translation>重新读取运行历史</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Write the selected runs as JSON or CSV into a folder</source>
        <translation>将所选运行以 JSON 或 CSV 格式写入文件夹</translation>
    </message>
    <message>
        <source>{n} matching run(s)</source>
        <translation>{n} 次匹配的运行</translation>
    </message>
    <message>
        <source>{n} run(s) recorded</source>
        <translation>已记录 {n} 次运行</translation>
    </message>
    <message>
        <source>The run history cannot be read: {reason}. Fix or move the file, then Refresh (Ctrl+R).</source>
        <translation>无法读取运行历史：{reason}。请修复或移走该文件，然后刷新 (Ctrl+R)。</translation>
    </message>
    <message>
        <source>Export the selected runs into…</source>
        <translation>将所选运行导出到…</translation>
    </message>
    <message>
        <source>Wrote {n} file(s) into {folder}</source>
        <translation>已将 {n} 个文件写入 {folder}</translation>
    </message>
    <message>
        <source>Export failed: {reason}</source>
        <translation>导出失败：{reason}</translation>
    </message>
    <message>
        <source>Delete runs</source>
        <translation>删除运行</translation>
    </message>
    <message>
        <source>Delete {names} from the run history? This cannot be undone.</source>
        <translation>要从运行历史中删除 {names} 吗？此操作无法撤销。</translation>
    </message>
    <message>
        <source>Not deleted (still being recorded): {names}</source>
        <translation>未删除（仍在记录中）：{names}</translation>
    </message>
    <message>
        <source>Deleted {n} run(s)</source>
        <translation>已删除 {n} 次运行</translation>
    </message>
</context>
<context>
    <name>HostLines</name>
    <message>
        <source>host {0} · {1} Dask worker(s), {2} cores</source>
        <translation>主机 {0} · {1} 个 Dask 工作进程，{2} 核</translation>
    </message>
    <message>
        <source>{0}, ended</source>
        <translation>{0}，已结束</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Takes effect after a restart</source>
        <translation>重启后生效</translation>
    </message>
    <message>
        <source>The new language is used the next time mpscope starts.</source>
        <translation>新的语言将在下次启动 mpscope 时生效。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
</context>
<context>
    <name>LaunchPanel</name>
    <message>
        <source>Add worker group</source>
        <translation>添加工作进程组</translation>
    </message>
    <message>
        <source>Add a [[workers]] group</source>
        <translation>添加一个 [[workers]] 组</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>打开…</translation>
    </message>
    <message>
        <source>Save…</source>
        <translation>保存…</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Open a TOML configuration (Ctrl+O)</source>
        <translation>打开 TOML 配置 (Ctrl+O)</translation>
    </message>
    <message>
        <source>Save this configuration (Ctrl+S)</source>
        <translation>保存此配置 (Ctrl+S)</translation>
    </message>
    <message>
        <source>Start the run (F5)</source>
        <translation>开始运行 (F5)</translation>
    </message>
    <message>
        <source>Stop every worker (Shift+F5)</source>
        <translation>停止所有工作进程 (Shift+F5)</translation>
    </message>
    <message>
        <source>Cannot open {path}: {error}</source>
        <translation>无法打开 {path}：{error}</translation>
    </message>
    <message>
        <source>{problem} (shown as corrected in the form)</source>
        <translation>{problem}（表单中显示的是更正后的值）</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>已保存 {path}</translation>
    </message>
    <message>
        <source>Open a run configuration</source>
        <translation>打开运行配置</translation>
    </message>
    <message>
        <source>TOML files (*.toml);;All files (*)</source>
        <translation>TOML 文件 (*.toml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save the run configuration</source>
        <translation>保存运行配置</translation>
    </message>
    <message>
        <source>TOML files (*.toml)</source>
        <translation>TOML 文件 (*.toml)</translation>
    </message>
</context>
<context>
    <name>LessonsPanel</name>
    <message>
        <source>▶  Run lesson</source>
        <translation>▶  运行本课</translation>
    </message>
    <message>
        <source>Start this lesson&apos;s run (Ctrl+Return)</source>
        <translation>开始运行本课 (Ctrl+Return)</translation>
    </message>
    <message>
        <source>Choose a lesson</source>
        <translation>选择一课</translation>
    </message>
    <message>
        <source>What to notice</source>
        <translation>注意观察</translation>
    </message>
    <message>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <source>Save this lesson&apos;s script, to run it at home with python</source>
        <translation>保存本课的脚本，回家后用 python 运行</translation>
    </message>
    <message>
        <source>Lesson</source>
        <translation>讲解</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>The results appear here when the run ends.</source>
        <translation>运行结束后，结果会显示在这里。</translation>
    </message>
    <message>
        <source>Run the lesson to see its results here.</source>
        <translation>运行本课后即可在此查看结果。</translation>
    </message>
    <message>
        <source>Workers panel</source>
        <translation>工作进程面板</translation>
    </message>
    <message>
        <source>CPU panel</source>
        <translation>CPU 面板</translation>
    </message>
    <message>
        <source>Pool panel</source>
        <translation>进程池面板</translation>
    </message>
    <message>
        <source>Watch it in: {panels}</source>
        <translation>请在以下面板中观察：{panels}</translation>
    </message>
    <message>
        <source>Cannot run the lesson: {why}</source>
        <translation>无法运行本课：{why}</translation>
    </message>
    <message>
        <source>Save the lesson&apos;s script</source>
        <translation>保存本课的脚本</translation>
    </message>
    <message>
        <source>Python scripts (*.py);;All files (*)</source>
        <translation>Python 脚本 (*.py);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot save {path}: {error}</source>
        <translation>无法保存 {path}：{error}</translation>
    </message>
    <message>
        <source>Saved {path}: run it with python {name}</source>
        <translation>已保存 {path}：用 python {name} 运行它</translation>
    </message>
    <message>
        <source>The script&apos;s result line could not be read: {error}</source>
        <translation>无法读取脚本的结果行：{error}</translation>
    </message>
    <message>
        <source>The lesson ran for {seconds:.1f} s.</source>
        <translation>本课运行了 {seconds:.1f} 秒。</translation>
    </message>
    <message>
        <source>The lesson ended after {seconds:.1f} s without a result: {detail}</source>
        <translation>本课运行 {seconds:.1f} 秒后结束，没有得到结果：{detail}</translation>
    </message>
    <message>
        <source>exit code {code}</source>
        <translation>退出码 {code}</translation>
    </message>
    <message>
        <source>Running… {seconds} s</source>
        <translation>运行中… {seconds} 秒</translation>
    </message>
    <message>
        <source>Another run is going: stop it first (Run → Stop all), then run this lesson.</source>
        <translation>另一次运行正在进行：请先停止它（运行 → 全部停止），再运行本课。</translation>
    </message>
    <message>
        <source>Press Run (Ctrl+Return) to start this lesson, then watch the panels it points to.</source>
        <translation>按“运行”(Ctrl+Return) 开始本课，然后观察它提示的面板。</translation>
    </message>
</context>
<context>
    <name>LiveRunsDialog</name>
    <message>
        <source>Open a live run</source>
        <translation>打开正在进行的运行</translation>
    </message>
    <message>
        <source>Runs being recorded on this machine right now (by mpscope run, mpscope watch or another window). The window shows the chosen one live and controls it through its control socket; closing the window leaves the run running.</source>
        <translation>本机上正在被记录的运行（由终端中的 mpscope 或另一个窗口记录）。窗口会实时显示所选的运行，并通过它的控制套接字来控制它；关闭窗口不会结束该运行。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>Looking for live runs…</source>
        <translation>正在查找正在进行的运行…</translation>
    </message>
    <message>
        <source>No run is being recorded on this machine now. Start one in a terminal with: {command}</source>
        <translation>本机上现在没有正在记录的运行。可以在终端中这样启动一个：{command}</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Launch</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Pool</source>
        <translation>进程池</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Lessons</source>
        <translation>课程</translation>
    </message>
    <message>
        <source>Show or hide the {title} panel</source>
        <translation>显示或隐藏“{title}”面板</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>Open a TOML run configuration</source>
        <translation>打开 TOML 运行配置</translation>
    </message>
    <message>
        <source>&amp;Watch a program…</source>
        <translation>观察程序(&amp;W)…</translation>
    </message>
    <message>
        <source>Run your own program unchanged and watch its processes, pool tasks and output</source>
        <translation>原样运行你自己的程序，观察它的进程、池任务和输出</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Save the configuration</source>
        <translation>保存配置</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>另存为(&amp;A)…</translation>
    </message>
    <message>
        <source>Save the configuration to a new file</source>
        <translation>将配置保存到新文件</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Close mpscope (asks first if workers run)</source>
        <translation>关闭 mpscope（若仍有工作进程在运行，会先询问）</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>开始(&amp;S)</translation>
    </message>
    <message>
        <source>Start the run</source>
        <translation>开始运行</translation>
    </message>
    <message>
        <source>S&amp;top all</source>
        <translation>全部停止(&amp;T)</translation>
    </message>
    <message>
        <source>Ask every worker to stop</source>
        <translation>请求所有工作进程停止</translation>
    </message>
    <message>
        <source>&amp;Terminate all</source>
        <translation>全部终止(&amp;T)</translation>
    </message>
    <message>
        <source>SIGTERM every process</source>
        <translation>向所有进程发送 SIGTERM</translation>
    </message>
    <message>
        <source>&amp;Kill all</source>
        <translation>全部强制结束(&amp;K)</translation>
    </message>
    <message>
        <source>SIGKILL every process</source>
        <translation>向所有进程发送 SIGKILL</translation>
    </message>
    <message>
        <source>&amp;Larger text</source>
        <translation>放大文字(&amp;L)</translation>
    </message>
    <message>
        <source>Larger text for a projector</source>
        <translation>放大文字，便于投影</translation>
    </message>
    <message>
        <source>S&amp;maller text</source>
        <translation>缩小文字(&amp;M)</translation>
    </message>
    <message>
        <source>Smaller text</source>
        <translation>缩小文字</translation>
    </message>
    <message>
        <source>&amp;Normal text size</source>
        <translation>正常文字大小(&amp;N)</translation>
    </message>
    <message>
        <source>Text at its normal size</source>
        <translation>恢复正常文字大小</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>Put every panel back</source>
        <translation>将所有面板放回原位</translation>
    </message>
    <message>
        <source>&amp;About mpscope</source>
        <translation>关于 mpscope(&amp;A)</translation>
    </message>
    <message>
        <source>Version and purpose</source>
        <translation>版本与用途</translation>
    </message>
    <message>
        <source>&amp;Lessons</source>
        <translation>课程(&amp;L)</translation>
    </message>
    <message>
        <source>Guided lessons: every multiprocessing idea, live</source>
        <translation>引导式课程：每个多进程概念，现场演示</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Colours: {text}</source>
        <translation>配色：{text}</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>Run started</source>
        <translation>运行已开始</translation>
    </message>
    <message>
        <source>all workers succeeded</source>
        <translation>所有工作进程均成功</translation>
    </message>
    <message>
        <source>some workers failed, were stopped or were lost</source>
        <translation>部分工作进程失败、被停止或丢失</translation>
    </message>
    <message>
        <source>Run ended: {verdict} (exit status {code})</source>
        <translation>运行结束：{verdict}（退出状态 {code}）</translation>
    </message>
    <message>
        <source>untitled</source>
        <translation>未命名</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>ended with failures</source>
        <translation>结束（有失败）</translation>
    </message>
    <message>
        <source>Text size {percent:.0f}%</source>
        <translation>文字大小 {percent:.0f}%</translation>
    </message>
    <message>
        <source>About mpscope</source>
        <translation>关于 mpscope</translation>
    </message>
    <message>
        <source>&lt;h3&gt;mpscope {version}&lt;/h3&gt;&lt;p&gt;A desktop task monitor for Python multiprocessing: launch workers and pools, watch every process, and stop, terminate, kill or restart any of them.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;mpscope {version}&lt;/h3&gt;&lt;p&gt;面向 Python multiprocessing 的桌面任务监视器：启动工作进程和进程池，观察每一个进程，并可停止、终止、强制结束或重启其中任意一个。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>PoolEditor</name>
    <message>
        <source>Pool</source>
        <translation>进程池</translation>
    </message>
    <message>
        <source>Map one task over items with a process pool</source>
        <translation>用进程池把一个任务映射到多个数据项上</translation>
    </message>
    <message>
        <source>N, or [item, item, …]</source>
        <translation>N，或 [item, item, …]</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>none: mpscope starts a local cluster</source>
        <translation>无：由 mpscope 启动本地集群</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Called with one item</source>
        <translation>每次调用传入一个数据项</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>数据项</translation>
    </message>
    <message>
        <source>An integer N means range(N); or a TOML array of items</source>
        <translation>整数 N 表示 range(N)；也可以是数据项组成的 TOML 数组</translation>
    </message>
    <message>
        <source>Processes</source>
        <translation>进程数</translation>
    </message>
    <message>
        <source>Pool size</source>
        <translation>进程池大小</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>The Pool method to call</source>
        <translation>要调用的 Pool 方法</translation>
    </message>
    <message>
        <source>Chunk size</source>
        <translation>分块大小</translation>
    </message>
    <message>
        <source>Items sent to a process at a time</source>
        <translation>每次发给一个进程的数据项数</translation>
    </message>
    <message>
        <source>Tasks per child</source>
        <translation>每个子进程的任务数</translation>
    </message>
    <message>
        <source>Replace each pool process after this many tasks</source>
        <translation>每个池进程完成这么多任务后换成新进程</translation>
    </message>
    <message>
        <source>Backend</source>
        <translation>后端</translation>
    </message>
    <message>
        <source>multiprocessing.Pool, concurrent.futures.ProcessPoolExecutor, or a Dask cluster (pip install &quot;mpscope[dask]&quot;)</source>
        <translation>multiprocessing.Pool、concurrent.futures.ProcessPoolExecutor，或 Dask 集群（需安装扩展 mpscope[dask]）</translation>
    </message>
    <message>
        <source>Scheduler</source>
        <translation>调度器</translation>
    </message>
    <message>
        <source>Dask only: a running scheduler, e.g. tcp://10.0.0.5:8786; empty: a local cluster of the given processes, closed after the run</source>
        <translation>仅用于 Dask：一个正在运行的调度器，例如 tcp://10.0.0.5:8786；留空：使用给定进程数的本地集群，运行结束后关闭</translation>
    </message>
    <message>
        <source>not a TOML value: {reason}</source>
        <translation>不是有效的 TOML 值：{reason}</translation>
    </message>
</context>
<context>
    <name>PoolPanel</name>
    <message>
        <source>Top tasks…</source>
        <translation>耗时/内存最多的任务…</translation>
    </message>
    <message>
        <source>The 5 longest tasks and the 5 that used most memory, with their arguments</source>
        <translation>用时最长的 5 个任务和占用内存最多的 5 个任务，以及它们的参数</translation>
    </message>
    <message>
        <source>Save results…</source>
        <translation>保存结果…</translation>
    </message>
    <message>
        <source>Write every item with its result or its error as JSON lines</source>
        <translation>把每一项及其结果或错误按行写成 JSON 文件</translation>
    </message>
    <message>
        <source>seconds since the start</source>
        <translation>自开始以来的秒数</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>Time per process</source>
        <translation>每个进程的时间</translation>
    </message>
    <message>
        <source>start-up</source>
        <translation>启动</translation>
    </message>
    <message>
        <source>waiting</source>
        <translation>等待</translation>
    </message>
    <message>
        <source>working</source>
        <translation>工作</translation>
    </message>
    <message>
        <source>No pool tasks yet: the tasks of a Pool or ProcessPoolExecutor the program starts show here.</source>
        <translation>还没有进程池任务：程序启动的 Pool 或 ProcessPoolExecutor 的任务会显示在这里。</translation>
    </message>
    <message>
        <source>The program ran no tasks on a Pool or ProcessPoolExecutor.</source>
        <translation>该程序没有在 Pool 或 ProcessPoolExecutor 上运行任务。</translation>
    </message>
    <message>
        <source>The pool starts with the run: press Start.</source>
        <translation>进程池随运行一起启动：请按“开始”。</translation>
    </message>
    <message>
        <source>This run has no pool — add a [pool] table or enable the pool in the Launch panel.</source>
        <translation>本次运行没有进程池——请添加 [pool] 表，或在“启动”面板中启用进程池。</translation>
    </message>
    <message>
        <source>Point at a bar to see its task; click to keep it here.</source>
        <translation>指向色条可查看其任务；单击可把信息保留在这里。</translation>
    </message>
    <message>
        <source>A followed run&apos;s results stay with the process that ran it</source>
        <translation>跟随的运行的结果留在运行它的进程中</translation>
    </message>
    <message>
        <source>{0} · dask · chunksize {1} · {2} workers at {3}</source>
        <translation>{0} · Dask · 分块大小 {1} · {3} 上的 {2} 个工作进程</translation>
    </message>
    <message>
        <source>%p % · {0:,} of {1:,} items</source>
        <translation>%p % · {0:,} / {1:,} 个数据项</translation>
    </message>
    <message>
        <source>failed · {0}</source>
        <translation>失败 · {0}</translation>
    </message>
    <message>
        <source>done · {0}</source>
        <translation>完成 · {0}</translation>
    </message>
    <message>
        <source>failed · %p %</source>
        <translation>失败 · %p %</translation>
    </message>
    <message>
        <source>{0:,.1f} items/s</source>
        <translation>{0:,.1f} 项/秒</translation>
    </message>
    <message>
        <source>{0} · {1} · chunksize {2} · {3} processes</source>
        <translation>{0} · {1} · 分块大小 {2} · {3} 个进程</translation>
    </message>
    <message>
        <source>avg {0:,.1f} items/s</source>
        <translation>平均 {0:,.1f} 项/秒</translation>
    </message>
    <message>
        <source>pending {0}</source>
        <translation>等待中 {0}</translation>
    </message>
    <message>
        <source>running {0}</source>
        <translation>运行中 {0}</translation>
    </message>
    <message>
        <source>done {0}</source>
        <translation>已完成 {0}</translation>
    </message>
    <message>
        <source>failed {0}</source>
        <translation>失败 {0}</translation>
    </message>
    <message>
        <source>lost {0}</source>
        <translation>丢失 {0}</translation>
    </message>
    <message>
        <source>retried {0}</source>
        <translation>重试 {0}</translation>
    </message>
    <message>
        <source>cancelled {0}</source>
        <translation>已取消 {0}</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Tasks of {0:,} items</source>
        <translation>任务（每个 {0:,} 项）</translation>
    </message>
    <message>
        <source>{0:,} callbacks · {1:,} error callbacks</source>
        <translation>{0:,} 次回调 · {1:,} 次错误回调</translation>
    </message>
    <message>
        <source>the last {0:,} kept</source>
        <translation>仅保留最近 {0:,} 条</translation>
    </message>
</context>
<context>
    <name>PresenterMode</name>
    <message>
        <source>&amp;Presenter mode</source>
        <translation>演示模式(&amp;P)</translation>
    </message>
    <message>
        <source>Large text and thick chart lines for a projector ({key})</source>
        <translation>大号文字和粗线条图表，适合投影 ({key})</translation>
    </message>
    <message>
        <source>Presenter mode on: large text, thick lines</source>
        <translation>演示模式已开启：大号文字、粗线条</translation>
    </message>
    <message>
        <source>Presenter mode off</source>
        <translation>演示模式已关闭</translation>
    </message>
</context>
<context>
    <name>RemoteDialog</name>
    <message>
        <source>Watch a run on another machine</source>
        <translation>查看另一台机器上的运行</translation>
    </message>
    <message>
        <source>mpscope runs {command} with your own SSH configuration, keys and agent (no password prompt), lists the runs live there to choose from, and follows the chosen one. No port is opened anywhere; closing the window leaves the run running.</source>
        <translation>mpscope 会用你自己的 SSH 配置、密钥和代理运行 {command}（不会询问密码），列出那里正在进行的运行供你选择，并跟随所选的运行。任何地方都不会打开端口；关闭窗口不会结束该运行。</translation>
    </message>
    <message>
        <source>user@host</source>
        <translation>user@host</translation>
    </message>
    <message>
        <source>An SSH destination: user@host, or a Host from ~/.ssh/config</source>
        <translation>SSH 目标：user@host，或 ~/.ssh/config 中定义的主机别名</translation>
    </message>
    <message>
        <source>How to run mpscope over there, e.g. ~/venv/bin/python -m mpscope</source>
        <translation>在那台机器上如何运行 mpscope，例如 ~/venv/bin/python -m mpscope</translation>
    </message>
    <message>
        <source>SSH destination:</source>
        <translation>SSH 目标：</translation>
    </message>
    <message>
        <source>mpscope command there:</source>
        <translation>那边的 mpscope 命令：</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>“{text}” is not an SSH destination (user@host or a host name)</source>
        <translation>“{text}”不是 SSH 目标（应为 user@host 或主机名）</translation>
    </message>
    <message>
        <source>Say how to run mpscope over there (mpscope).</source>
        <translation>请填写在那台机器上如何运行 mpscope（mpscope）。</translation>
    </message>
</context>
<context>
    <name>RemoteRunsDialog</name>
    <message>
        <source>Choose a run on {host}</source>
        <translation>选择 {host} 上的运行</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Workers/tasks</source>
        <translation>工作进程/任务</translation>
    </message>
    <message>
        <source>Double-click or press Enter to follow the chosen run</source>
        <translation>双击或按 Enter 跟随所选的运行</translation>
    </message>
    <message>
        <source>Latest</source>
        <translation>最新</translation>
    </message>
    <message>
        <source>whichever run is newest when the window connects</source>
        <translation>窗口连接时最新的那个运行</translation>
    </message>
    <message>
        <source>The newest live run there when the window connects, else the newest run (as mpscope follow --latest)</source>
        <translation>窗口连接时那里最新的正在进行的运行，没有则为最新的运行</translation>
    </message>
    <message>
        <source>Follow</source>
        <translation>跟随</translation>
    </message>
    <message>
        <source>Recorded by process {pid} on {host}</source>
        <translation>由 {host} 上的进程 {pid} 记录</translation>
    </message>
</context>
<context>
    <name>ResultsView</name>
    <message>
        <source>&lt;b&gt;What it found:&lt;/b&gt;</source>
        <translation>&lt;b&gt;结论：&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>RunBridge</name>
    <message>
        <source>a run is still going: stop it first</source>
        <translation>仍有运行在进行：请先停止它</translation>
    </message>
</context>
<context>
    <name>RunCharts</name>
    <message>
        <source>seconds since the start</source>
        <translation>自开始以来的秒数</translation>
    </message>
    <message>
        <source>CPU per core: no samples were recorded</source>
        <translation>每个核心的 CPU：没有记录到采样</translation>
    </message>
    <message>
        <source>CPU per core: {0} cores, a row each</source>
        <translation>每个核心的 CPU：共 {0} 个核心，每行一个</translation>
    </message>
    <message>
        <source>average</source>
        <translation>平均</translation>
    </message>
    <message>
        <source>core {0}</source>
        <translation>核心 {0}</translation>
    </message>
    <message>
        <source>CPU per core (%)</source>
        <translation>每个核心的 CPU (%)</translation>
    </message>
    <message>
        <source>pool items</source>
        <translation>进程池数据项</translation>
    </message>
    <message>
        <source>{0} more</source>
        <translation>另外 {0} 个</translation>
    </message>
    <message>
        <source>Progress (% done)</source>
        <translation>进度（完成 %）</translation>
    </message>
    <message>
        <source>Progress: no progress was recorded</source>
        <translation>进度：没有记录到进度</translation>
    </message>
</context>
<context>
    <name>RunEditor</name>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>可选</translation>
    </message>
    <message>
        <source>Shown in the window title and the run history</source>
        <translation>显示在窗口标题和运行历史中</translation>
    </message>
    <message>
        <source>How Python starts each process: spawn (a fresh interpreter), forkserver or fork</source>
        <translation>Python 启动每个进程的方式：spawn（全新的解释器）、forkserver 或 fork</translation>
    </message>
    <message>
        <source>Stop → terminate → kill: seconds between the steps</source>
        <translation>停止 → 终止 → 强制结束：各步骤之间间隔的秒数</translation>
    </message>
    <message>
        <source>How often workers report progress</source>
        <translation>工作进程报告进度的频率</translation>
    </message>
    <message>
        <source>none (e.g. 2 GiB)</source>
        <translation>无（例如 2 GB）</translation>
    </message>
    <message>
        <source>The most memory any one process may use: a warning at 80 %, then it is stopped before the system runs out</source>
        <translation>每个进程最多可用的内存：达到 80 % 时警告，超过后在系统内存耗尽之前停止该进程</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Start method</source>
        <translation>启动方式</translation>
    </message>
    <message>
        <source>Grace period</source>
        <translation>宽限时间</translation>
    </message>
    <message>
        <source>Report every</source>
        <translation>报告间隔</translation>
    </message>
    <message>
        <source>Memory limit</source>
        <translation>内存上限</translation>
    </message>
</context>
<context>
    <name>RunFilter</name>
    <message>
        <source>Search titles, tasks, #id…</source>
        <translation>搜索标题、任务、#编号…</translation>
    </message>
    <message>
        <source>Show the runs whose title or configuration contains this text, or the run with this number</source>
        <translation>显示标题或配置中包含此文字的运行，或编号为此数字的运行</translation>
    </message>
    <message>
        <source>Show only runs with this status</source>
        <translation>只显示此状态的运行</translation>
    </message>
    <message>
        <source>All runs</source>
        <translation>所有运行</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Reading the run history…</source>
        <translation>正在读取运行历史…</translation>
    </message>
</context>
<context>
    <name>RunStatusBar</name>
    <message>
        <source>Workers and pool processes by state</source>
        <translation>按状态统计的工作进程和进程池进程</translation>
    </message>
    <message>
        <source>Messages received from workers per second</source>
        <translation>每秒从工作进程收到的消息数</translation>
    </message>
    <message>
        <source>mpscope&apos;s own CPU use and memory (RSS)</source>
        <translation>mpscope 自身的 CPU 占用和内存 (RSS)</translation>
    </message>
    <message>
        <source>{n} worker(s) planned</source>
        <translation>计划 {n} 个工作进程</translation>
    </message>
    <message>
        <source>{rate:,.0f} msg/s</source>
        <translation>{rate:,.0f} 条消息/秒</translation>
    </message>
    <message>
        <source>mpscope: CPU {cpu:.0f}% · {rss:,.0f} MiB</source>
        <translation>mpscope：CPU {cpu:.0f}% · {rss:,.0f} MiB</translation>
    </message>
</context>
<context>
    <name>RunTaskStream</name>
    <message>
        <source>Point at a bar to see its task; click to keep it here.</source>
        <translation>指向色条可查看其任务；单击可把信息保留在这里。</translation>
    </message>
    <message>
        <source>seconds since the start</source>
        <translation>自开始以来的秒数</translation>
    </message>
    <message>
        <source>done {0:,}</source>
        <translation>已完成 {0:,}</translation>
    </message>
    <message>
        <source>failed {0:,}</source>
        <translation>失败 {0:,}</translation>
    </message>
    <message>
        <source>lost {0:,}</source>
        <translation>丢失 {0:,}</translation>
    </message>
    <message>
        <source>cancelled {0:,}</source>
        <translation>已取消 {0:,}</translation>
    </message>
    <message>
        <source>running at the end {0:,}</source>
        <translation>结束时仍在运行 {0:,}</translation>
    </message>
    <message>
        <source>retried {0:,}</source>
        <translation>重试 {0:,}</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Tasks (the first {0:,} of {1:,})</source>
        <translation>任务（{1:,} 个中的前 {0:,} 个）</translation>
    </message>
</context>
<context>
    <name>RunView</name>
    <message>
        <source>Run #{id} — mpscope</source>
        <translation>运行 #{id} — mpscope</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Task stream</source>
        <translation>任务流</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Top tasks</source>
        <translation>最耗资源的任务</translation>
    </message>
    <message>
        <source>Tasks</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Reading run #{id}…</source>
        <translation>正在读取运行 #{id}…</translation>
    </message>
    <message>
        <source>Export JSON…</source>
        <translation>导出 JSON…</translation>
    </message>
    <message>
        <source>Write the whole run as run.json into a folder you choose</source>
        <translation>将整个运行写成 run.json，保存到你选择的文件夹</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <source>Write the run as CSV files (one per table) into a folder you choose</source>
        <translation>将运行写成 CSV 文件（每个表一个），保存到你选择的文件夹</translation>
    </message>
    <message>
        <source>Charts as PNG…</source>
        <translation>图表另存为 PNG…</translation>
    </message>
    <message>
        <source>Save the charts as PNG images into a folder you choose</source>
        <translation>将图表以 PNG 图片保存到你选择的文件夹</translation>
    </message>
    <message>
        <source>Charts as SVG…</source>
        <translation>图表另存为 SVG…</translation>
    </message>
    <message>
        <source>Save the charts as SVG drawings (for slides and papers) into a folder</source>
        <translation>将图表以 SVG 矢量图（适合幻灯片和论文）保存到文件夹</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Close this run&apos;s window</source>
        <translation>关闭此运行的窗口</translation>
    </message>
    <message>
        <source>This run had no pool</source>
        <translation>本次运行没有进程池</translation>
    </message>
    <message>
        <source>The 5 longest tasks and the 5 that used most memory, with their arguments</source>
        <translation>用时最长的 5 个任务和占用内存最多的 5 个任务，以及它们的参数</translation>
    </message>
    <message>
        <source>Every task: its items, process, start, duration, outcome, peak memory and error</source>
        <translation>每个任务：数据项、进程、开始时间、时长、结果、内存峰值和错误</translation>
    </message>
    <message>
        <source>Run #{id}: {title} — mpscope</source>
        <translation>运行 #{id}：{title} — mpscope</translation>
    </message>
    <message>
        <source>Run #{id} cannot be shown: {reason}</source>
        <translation>无法显示运行 #{id}：{reason}</translation>
    </message>
    <message>
        <source>exit {code}</source>
        <translation>退出码 {code}</translation>
    </message>
    <message>
        <source>started {when}</source>
        <translation>开始于 {when}</translation>
    </message>
    <message>
        <source>{n} processes</source>
        <translation>{n} 个进程</translation>
    </message>
    <message>
        <source>{n:,} pool tasks</source>
        <translation>{n:,} 个进程池任务</translation>
    </message>
    <message>
        <source>Export run #{id} into…</source>
        <translation>将运行 #{id} 导出到…</translation>
    </message>
    <message>
        <source>Wrote {n} file(s) into {folder}</source>
        <translation>已将 {n} 个文件写入 {folder}</translation>
    </message>
    <message>
        <source>Export failed: {reason}</source>
        <translation>导出失败：{reason}</translation>
    </message>
    <message>
        <source>Save the charts of run #{id} into…</source>
        <translation>将运行 #{id} 的图表保存到…</translation>
    </message>
    <message>
        <source>Saving the charts failed: {reason}</source>
        <translation>保存图表失败：{reason}</translation>
    </message>
    <message>
        <source>Saved {n} chart(s) into {folder}</source>
        <translation>已将 {n} 张图表保存到 {folder}</translation>
    </message>
</context>
<context>
    <name>RunsModel</name>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>开始时间</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>退出码</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>Pool tasks</source>
        <translation>进程池任务</translation>
    </message>
    <message>
        <source>Run number (never reused)</source>
        <translation>运行编号（不会重复使用）</translation>
    </message>
    <message>
        <source>When the run started (local time)</source>
        <translation>运行开始的时间（本地时间）</translation>
    </message>
    <message>
        <source>The run&apos;s title, or what it ran</source>
        <translation>运行的标题，或它运行的内容</translation>
    </message>
    <message>
        <source>Exit status: 0 all succeeded, 1 something failed, 130 stopped with Ctrl-C</source>
        <translation>退出状态：0 全部成功，1 有失败，130 被 Ctrl-C 停止</translation>
    </message>
    <message>
        <source>From start to end (to the last heartbeat if interrupted)</source>
        <translation>从开始到结束（若中断，则到最后一次心跳）</translation>
    </message>
    <message>
        <source>Worker processes (pool processes not counted)</source>
        <translation>工作进程（不计进程池的进程）</translation>
    </message>
    <message>
        <source>Pool tasks recorded</source>
        <translation>记录的进程池任务</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>succeeded</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>succeeded: every worker and pool task succeeded; failed: something failed or was lost; stopped: stopped, terminated or killed on request; interrupted: mpscope died during it; running: being recorded now</source>
        <translation>成功：所有工作进程和进程池任务均成功；失败：有任务失败或失联；已停止：按请求被停止、终止或强制结束；已中断：运行期间 mpscope 意外退出；运行中：正在记录</translation>
    </message>
    <message>
        <source>No exit status: the run has not ended, or mpscope died during it</source>
        <translation>没有退出状态：运行尚未结束，或运行期间 mpscope 意外退出</translation>
    </message>
    <message>
        <source>0: every worker and pool task succeeded</source>
        <translation>0：所有工作进程和进程池任务均成功</translation>
    </message>
    <message>
        <source>130: stopped with Ctrl-C</source>
        <translation>130：被 Ctrl-C 停止</translation>
    </message>
    <message>
        <source>{code}: something failed, was stopped or was lost</source>
        <translation>{code}：有任务失败、被停止或丢失</translation>
    </message>
    <message>
        <source>Workers were stopped, terminated or killed on request (or with Ctrl-C); none failed</source>
        <translation>工作进程按请求（或因 Ctrl-C）被停止、终止或强制结束；没有失败的</translation>
    </message>
    <message>
        <source>mpscope died during this run (killed, crashed or power cut); everything up to its last heartbeat is kept</source>
        <translation>本次运行期间 mpscope 意外退出（被强制结束、崩溃或断电）；最后一次心跳之前的所有内容都已保留</translation>
    </message>
    <message>
        <source>Run #{id}, {method} — double-click or Enter to open it</source>
        <translation>运行 #{id}，{method} — 双击或按 Enter 打开</translation>
    </message>
</context>
<context>
    <name>SaveResults</name>
    <message>
        <source>Save pool results</source>
        <translation>保存进程池结果</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl);;All files (*)</source>
        <translation>按行的 JSON 文件 (*.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Could not write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
</context>
<context>
    <name>ScalingChart</name>
    <message>
        <source>measured speedup</source>
        <translation>实测加速比</translation>
    </message>
    <message>
        <source>Amdahl fit, serial share {share:.0%}</source>
        <translation>阿姆达尔定律拟合，串行比例 {share:.0%}</translation>
    </message>
    <message>
        <source>ideal: speedup = processes</source>
        <translation>理想：加速比 = 进程数</translation>
    </message>
    <message>
        <source>{n} CPUs</source>
        <translation>{n} 个 CPU</translation>
    </message>
    <message>
        <source>number of CPUs ({n})</source>
        <translation>CPU 数量（{n}）</translation>
    </message>
    <message>
        <source>Lines:</source>
        <translation>曲线：</translation>
    </message>
    <message>
        <source>processes</source>
        <translation>进程数</translation>
    </message>
    <message>
        <source>speedup (×)</source>
        <translation>加速比 (×)</translation>
    </message>
</context>
<context>
    <name>StackDialog</name>
    <message>
        <source>Python stack — {name}</source>
        <translation>Python 调用栈 — {name}</translation>
    </message>
    <message>
        <source>Every thread&apos;s stack, most recent call first, appears here within a second.</source>
        <translation>每个线程的调用栈（最近的调用在前）会在一秒内显示在这里。</translation>
    </message>
    <message>
        <source>Ask &amp;again</source>
        <translation>再次获取(&amp;A)</translation>
    </message>
    <message>
        <source>Take a fresh stack of the same process (F5)</source>
        <translation>重新获取同一进程的调用栈 (F5)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>Copy the whole stack to the clipboard</source>
        <translation>把整个调用栈复制到剪贴板</translation>
    </message>
    <message>
        <source>Asking {name} (pid {pid}) for its Python stack…</source>
        <translation>正在向 {name}（pid {pid}）获取 Python 调用栈…</translation>
    </message>
    <message>
        <source>mpscope&apos;s orphan watchdog</source>
        <translation>mpscope 的孤儿进程看门狗</translation>
    </message>
    <message>
        <source>mpscope&apos;s reporter</source>
        <translation>mpscope 的报告线程</translation>
    </message>
    <message>
        <source>mpscope&apos;s memory meter</source>
        <translation>mpscope 的内存测量线程</translation>
    </message>
</context>
<context>
    <name>TaskStreamPlot</name>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>成功</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>requeued</source>
        <translation>已重新排队</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Task {0}, attempt {1}: {2}</source>
        <translation>任务 {0}，第 {1} 次尝试：{2}</translation>
    </message>
    <message>
        <source>Item {0}</source>
        <translation>数据项 {0}</translation>
    </message>
    <message>
        <source>Items {0}–{1} ({2} items)</source>
        <translation>数据项 {0}–{1}（共 {2} 项）</translation>
    </message>
    <message>
        <source>Pool process pid {0}</source>
        <translation>池进程 PID {0}</translation>
    </message>
    <message>
        <source>Duration {0:.3f} s</source>
        <translation>耗时 {0:.3f} 秒</translation>
    </message>
    <message>
        <source>Peak memory {0:,.0f} MiB</source>
        <translation>内存峰值 {0:,.0f} MiB</translation>
    </message>
    <message>
        <source>Error: {0}</source>
        <translation>错误：{0}</translation>
    </message>
</context>
<context>
    <name>TaskTable</name>
    <message>
        <source>Click a column&apos;s title to sort by it; again to reverse</source>
        <translation>点击列标题按该列排序；再点一次反向排序</translation>
    </message>
    <message>
        <source>Select a task to see its error and earlier attempts here.</source>
        <translation>选择一个任务，在此查看它的错误和之前的尝试。</translation>
    </message>
    <message>
        <source>{shown:,} tasks</source>
        <translation>{shown:,} 个任务</translation>
    </message>
    <message>
        <source>The first {shown:,} of {total:,} tasks (the rest are in the history and its exports)</source>
        <translation>{total:,} 个任务中的前 {shown:,} 个（其余的在运行历史及其导出文件中）</translation>
    </message>
    <message>
        <source>Task {id}, items {items}: {outcome}</source>
        <translation>任务 {id}，数据项 {items}：{outcome}</translation>
    </message>
    <message>
        <source>attempt {n}: {outcome} in {process}</source>
        <translation>第 {n} 次尝试：{outcome}，在 {process} 中</translation>
    </message>
</context>
<context>
    <name>TasksModel</name>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Items</source>
        <translation>数据项</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>时长</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>内存峰值</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>running at the end</source>
        <translation>结束时仍在运行</translation>
    </message>
    <message>
        <source>not started</source>
        <translation>未开始</translation>
    </message>
    <message>
        <source>abandoned with its pool</source>
        <translation>随进程池一起被放弃</translation>
    </message>
    <message>
        <source>{outcome} (attempt {attempt})</source>
        <translation>{outcome}（第 {attempt} 次尝试）</translation>
    </message>
    <message>
        <source>{name} (pid {pid})</source>
        <translation>{name}（pid {pid}）</translation>
    </message>
</context>
<context>
    <name>TopTasksDialog</name>
    <message>
        <source>Top tasks — mpscope</source>
        <translation>最耗资源的任务 — mpscope</translation>
    </message>
</context>
<context>
    <name>TopTasksView</name>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>调用</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>内存峰值</translation>
    </message>
    <message>
        <source>No task has ended yet.</source>
        <translation>还没有任务结束。</translation>
    </message>
    <message>
        <source>Top {n} tasks by time</source>
        <translation>用时最长的 {n} 个任务</translation>
    </message>
    <message>
        <source>Top {n} tasks by peak memory</source>
        <translation>内存峰值最高的 {n} 个任务</translation>
    </message>
    <message>
        <source>Each task with the arguments it was called with; a chunk shows its items</source>
        <translation>每个任务及其调用参数；分块任务显示其中的数据项</translation>
    </message>
    <message>
        <source>{0:.3f} s</source>
        <translation>{0:.3f} 秒</translation>
    </message>
    <message>
        <source>{0:,.0f} MiB</source>
        <translation>{0:,.0f} MiB</translation>
    </message>
</context>
<context>
    <name>TrayNotifier</name>
    <message>
        <source>&amp;Notifications</source>
        <translation>通知(&amp;N)</translation>
    </message>
    <message>
        <source>Desktop notifications when a worker fails or is lost, memory runs short, or the run ends</source>
        <translation>在工作进程失败或失联、内存紧张或运行结束时显示桌面通知</translation>
    </message>
    <message>
        <source>While the window is hidden or minimized</source>
        <translation>仅在窗口隐藏或最小化时</translation>
    </message>
    <message>
        <source>Always</source>
        <translation>总是</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>从不</translation>
    </message>
    <message>
        <source>Play a sound</source>
        <translation>播放提示音</translation>
    </message>
    <message>
        <source>A beep with each notification (for presenters)</source>
        <translation>每条通知都发出提示音（适合演示者）</translation>
    </message>
    <message>
        <source>{count} problems in the run</source>
        <translation>运行中出现 {count} 个问题</translation>
    </message>
    <message>
        <source>Processes: {names}</source>
        <translation>进程：{names}</translation>
    </message>
    <message>
        <source>The run succeeded</source>
        <translation>运行成功</translation>
    </message>
    <message>
        <source>The run ended with failures (exit status {code})</source>
        <translation>运行结束，有失败（退出状态 {code}）</translation>
    </message>
    <message>
        <source>A worker failed</source>
        <translation>工作进程失败</translation>
    </message>
    <message>
        <source>A process was lost</source>
        <translation>进程失联</translation>
    </message>
    <message>
        <source>Memory is running short</source>
        <translation>内存紧张</translation>
    </message>
    <message>
        <source>A process crossed the memory limit</source>
        <translation>进程超过了内存上限</translation>
    </message>
</context>
<context>
    <name>WatchDialog</name>
    <message>
        <source>Watch a program</source>
        <translation>观察程序</translation>
    </message>
    <message>
        <source>python script.py --its-arguments</source>
        <translation>python script.py --它的参数</translation>
    </message>
    <message>
        <source>The command line, as in a terminal. Python programs run unchanged; their pools&apos; tasks are tracked. Any other command is watched as processes only.</source>
        <translation>命令行，与在终端中输入的一样。Python 程序原样运行，并跟踪其进程池的任务；其他命令只观察进程。</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>NAME=value, one per line</source>
        <translation>NAME=value，每行一个</translation>
    </message>
    <message>
        <source>Added to mpscope&apos;s own environment for this program</source>
        <translation>为此程序在 mpscope 自身的环境变量之外添加</translation>
    </message>
    <message>
        <source>none (e.g. 2 GiB)</source>
        <translation>无（例如 2 GB）</translation>
    </message>
    <message>
        <source>Resident memory allowed to each process of the program. At 80 % a warning; over it the process is stopped (SIGINT), then terminated, then killed, with the reason.</source>
        <translation>程序每个进程允许使用的常驻内存。达到 80 % 时发出警告；超过时先停止该进程（SIGINT），再终止，最后强制结束，并说明原因。</translation>
    </message>
    <message>
        <source>Watch</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Command:</source>
        <translation>命令：</translation>
    </message>
    <message>
        <source>Working directory:</source>
        <translation>工作目录：</translation>
    </message>
    <message>
        <source>Environment:</source>
        <translation>环境变量：</translation>
    </message>
    <message>
        <source>Memory limit:</source>
        <translation>内存上限：</translation>
    </message>
    <message>
        <source>Working directory</source>
        <translation>工作目录</translation>
    </message>
    <message>
        <source>The command line cannot be read: {0}</source>
        <translation>无法解析命令行：{0}</translation>
    </message>
    <message>
        <source>Type the command to watch, e.g. python script.py</source>
        <translation>请输入要观察的命令，例如 python script.py</translation>
    </message>
    <message>
        <source>No such folder: {0}</source>
        <translation>没有这个文件夹：{0}</translation>
    </message>
    <message>
        <source>Not NAME=value: {0}</source>
        <translation>不是 NAME=value 格式：{0}</translation>
    </message>
    <message>
        <source>Memory limit: “{0}” is not a size such as 2 GiB or 512 MiB (at least 32 MiB)</source>
        <translation>内存上限：“{0}”不是有效的大小，例如 2 GiB 或 512 MiB（至少 32 MiB）</translation>
    </message>
</context>
<context>
    <name>WindowState</name>
    <message>
        <source>{path} is gone: the form shows it as it was when mpscope closed (Save writes it again)</source>
        <translation>{path} 已不存在：表单显示的是 mpscope 关闭时的内容（保存可重新写入该文件）</translation>
    </message>
</context>
<context>
    <name>WorkerCells</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Daemon</source>
        <translation>守护进程</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>退出码</translation>
    </message>
    <message>
        <source>Last message</source>
        <translation>最后消息</translation>
    </message>
    <message>
        <source>Worker name: group name and index</source>
        <translation>工作进程名称：组名加序号</translation>
    </message>
    <message>
        <source>Operating-system process id</source>
        <translation>操作系统进程号</translation>
    </message>
    <message>
        <source>The function this process runs</source>
        <translation>此进程运行的函数</translation>
    </message>
    <message>
        <source>Where the process is in its life, as the parent sees it</source>
        <translation>从父进程看来，该进程处于生命周期的哪个阶段</translation>
    </message>
    <message>
        <source>Progress reported by the task, its rate and the time left</source>
        <translation>任务报告的进度、速率和剩余时间</translation>
    </message>
    <message>
        <source>CPU use of this process (100% = one core); the CPU time it used once it has ended</source>
        <translation>此进程的 CPU 占用（100% = 一个核心）；进程结束后显示它用掉的 CPU 时间</translation>
    </message>
    <message>
        <source>Resident memory (RSS) of this process; its peak once it has ended</source>
        <translation>此进程的常驻内存 (RSS)；进程结束后显示其峰值</translation>
    </message>
    <message>
        <source>Daemon processes end with mpscope; set before start() only</source>
        <translation>守护进程随 mpscope 一起结束；只能在 start() 之前设置</translation>
    </message>
    <message>
        <source>Exit code, or the signal that ended the process</source>
        <translation>退出码，或结束该进程的信号</translation>
    </message>
    <message>
        <source>The last log line, note or error from the task</source>
        <translation>任务最后输出的日志、备注或错误</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>正在启动</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>stopping</source>
        <translation>正在停止</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>terminated</source>
        <translation>已终止</translation>
    </message>
    <message>
        <source>killed</source>
        <translation>已强制结束</translation>
    </message>
    <message>
        <source>lost</source>
        <translation>丢失</translation>
    </message>
    <message>
        <source>{task} (pool)</source>
        <translation>{task}（池）</translation>
    </message>
    <message>
        <source>The pool starts and ends its own processes (multiprocessing.Pool makes them daemonic)</source>
        <translation>进程池自行启动和结束它的进程（multiprocessing.Pool 会把它们设为守护进程）</translation>
    </message>
    <message>
        <source>Locked: `daemon` must be set before start(); this process has already started</source>
        <translation>已锁定：`daemon` 必须在 start() 之前设置；此进程已经启动</translation>
    </message>
    <message>
        <source>Daemon processes are ended when mpscope exits; non-daemon ones are waited for. Click to change before start.</source>
        <translation>mpscope 退出时会结束守护进程，并等待非守护进程运行完毕。启动前可单击更改。</translation>
    </message>
    <message>
        <source>planned: starts when you press Start</source>
        <translation>计划中：按“开始”后启动</translation>
    </message>
    <message>
        <source>{name}: {seconds:.1f} s of CPU time used so far</source>
        <translation>{name}：目前已用 {seconds:.1f} 秒 CPU 时间</translation>
    </message>
    <message>
        <source>{name}: ended; it used {seconds:.1f} s of CPU time</source>
        <translation>{name}：已结束；共用了 {seconds:.1f} 秒 CPU 时间</translation>
    </message>
    <message>
        <source>{name}: {now:,.0f} MiB now, peak {peak:,.0f} MiB</source>
        <translation>{name}：当前 {now:,.0f} MiB，峰值 {peak:,.0f} MiB</translation>
    </message>
    <message>
        <source>{name}: ended; its peak resident memory was {peak:,.0f} MiB</source>
        <translation>{name}：已结束；其常驻内存峰值为 {peak:,.0f} MiB</translation>
    </message>
    <message>
        <source>{name}: a pool process (double-click for details)</source>
        <translation>{name}：进程池进程（双击查看详情）</translation>
    </message>
    <message>
        <source>{name}: {value} (double-click for details)</source>
        <translation>{name}：{value}（双击查看详情）</translation>
    </message>
</context>
<context>
    <name>WorkerDetails</name>
    <message>
        <source>Worker {name}</source>
        <translation>工作进程 {name}</translation>
    </message>
    <message>
        <source>Traceback</source>
        <translation>回溯</translation>
    </message>
    <message>
        <source>Captured output</source>
        <translation>捕获的输出</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy every row and the traceback as text</source>
        <translation>将所有行和回溯作为文本复制</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>How it went</source>
        <translation>运行情况</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>详情</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>退出码</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Elapsed</source>
        <translation>用时</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>重启次数</translation>
    </message>
    <message>
        <source>What it runs</source>
        <translation>运行内容</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>pool process</source>
        <translation>池进程</translation>
    </message>
    <message>
        <source>worker</source>
        <translation>工作进程</translation>
    </message>
    <message>
        <source>Group / index</source>
        <translation>组 / 序号</translation>
    </message>
    <message>
        <source>Call</source>
        <translation>调用</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Daemon</source>
        <translation>守护进程</translation>
    </message>
    <message>
        <source>Progress and result</source>
        <translation>进度与结果</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Done / total</source>
        <translation>已完成 / 总数</translation>
    </message>
    <message>
        <source>Last message</source>
        <translation>最后消息</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>Resources and messages</source>
        <translation>资源与消息</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CPU time</source>
        <translation>CPU 时间</translation>
    </message>
    <message>
        <source>Memory</source>
        <translation>内存</translation>
    </message>
    <message>
        <source>Peak memory</source>
        <translation>内存峰值</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>{received} received, {sent} sent, {gaps} lost, {data} data</source>
        <translation>收到 {received} 条，发送 {sent} 条，丢失 {gaps} 条，数据 {data} 条</translation>
    </message>
</context>
<context>
    <name>WorkersModel</name>
    <message>
        <source>{n:,} tasks</source>
        <translation>{n:,} 个任务</translation>
    </message>
    <message>
        <source>1 task</source>
        <translation>1 个任务</translation>
    </message>
    <message>
        <source>ETA {eta}</source>
        <translation>剩余 {eta}</translation>
    </message>
</context>
<context>
    <name>WorkersOutcomes</name>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Exit</source>
        <translation>退出码</translation>
    </message>
    <message>
        <source>PID</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Restarts</source>
        <translation>重启次数</translation>
    </message>
    <message>
        <source>How it ended</source>
        <translation>结束方式</translation>
    </message>
    <message>
        <source>Select a worker to see how it ended here.</source>
        <translation>选择一个工作进程，即可在此查看它是如何结束的。</translation>
    </message>
    <message>
        <source>{task} (pool)</source>
        <translation>{task}（池）</translation>
    </message>
</context>
<context>
    <name>WorkersPanel</name>
    <message>
        <source>Worker actions</source>
        <translation>工作进程操作</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Ask the selected processes to stop (the task sees StopRequested); terminate after the grace period</source>
        <translation>请求所选进程停止（任务会收到 StopRequested）；超过宽限时间后终止</translation>
    </message>
    <message>
        <source>Terminate</source>
        <translation>终止</translation>
    </message>
    <message>
        <source>Send SIGTERM to the selected processes (Process.terminate()); kill after the grace period</source>
        <translation>向所选进程发送 SIGTERM（Process.terminate()）；超过宽限时间后强制结束</translation>
    </message>
    <message>
        <source>Kill</source>
        <translation>强制结束</translation>
    </message>
    <message>
        <source>Send SIGKILL to the selected processes (Process.kill()): they cannot refuse</source>
        <translation>向所选进程发送 SIGKILL（Process.kill()）：进程无法拒绝</translation>
    </message>
    <message>
        <source>Terminate tree</source>
        <translation>终止进程树</translation>
    </message>
    <message>
        <source>Send SIGTERM to the selected process and every process it started (its children, theirs, …); others are left alone</source>
        <translation>向所选进程及其启动的所有进程（子进程、子进程的子进程……）发送 SIGTERM；其他进程不受影响</translation>
    </message>
    <message>
        <source>Kill tree</source>
        <translation>强制结束进程树</translation>
    </message>
    <message>
        <source>Send SIGKILL to the selected process and every process it started (its children, theirs, …); others are left alone</source>
        <translation>向所选进程及其启动的所有进程（子进程、子进程的子进程……）发送 SIGKILL；其他进程不受影响</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Pause the selected processes and everything they started (SIGSTOP): they keep their memory and do nothing until resumed</source>
        <translation>暂停所选进程及其启动的所有进程（SIGSTOP）：它们保留内存，在继续之前什么也不做</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Let paused processes go on (SIGCONT), with everything they started</source>
        <translation>让已暂停的进程及其启动的所有进程继续运行（SIGCONT）</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>重启</translation>
    </message>
    <message>
        <source>Run the selected ended workers again, same configuration</source>
        <translation>以相同配置再次运行所选的已结束工作进程</translation>
    </message>
    <message>
        <source>Daemon</source>
        <translation>守护进程</translation>
    </message>
    <message>
        <source>Toggle `daemon` on the selected workers (before start only)</source>
        <translation>切换所选工作进程的 `daemon` 设置（仅限启动前）</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <source>Show everything known about the selected process</source>
        <translation>显示所选进程的全部已知信息</translation>
    </message>
    <message>
        <source>Stack…</source>
        <translation>调用栈…</translation>
    </message>
    <message>
        <source>What is it doing now? Show the Python stack of every thread of the selected process, without stopping it</source>
        <translation>它现在在做什么？显示所选进程每个线程的 Python 调用栈，不会停止进程</translation>
    </message>
    <message>
        <source>Tree</source>
        <translation>树状</translation>
    </message>
    <message>
        <source>Show the processes as a tree: each one under the process that started it, as pstree does (clicking a column header sorts the table flat instead)</source>
        <translation>以树状显示进程：每个进程列在启动它的父进程之下，如 pstree 所示（点击列标题则改为平铺排序）</translation>
    </message>
    <message>
        <source>Not available: {reason}</source>
        <translation>不可用：{reason}</translation>
    </message>
    <message>
        <source>Dask worker: restart it through its nanny (Dask cannot stop a running task); the task it runs is lost and Dask retries it on another worker</source>
        <translation>Dask 工作进程：通过其 nanny 重启它（Dask 无法停止正在运行的任务）；它正在运行的任务随之失联，Dask 会在另一个工作进程上重试</translation>
    </message>
    <message>
        <source>Dask worker of mpscope&apos;s own cluster: SIGKILL it; its nanny starts a new one, and the task it ran is lost and retried on another worker</source>
        <translation>mpscope 自己集群中的 Dask 工作进程：向它发送 SIGKILL；其 nanny 会启动新的工作进程，它运行的任务随之失联，并在另一个工作进程上重试</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <source>stop requested</source>
        <translation>已请求停止</translation>
    </message>
    <message>
        <source>{signal} sent</source>
        <translation>已发送 {signal}</translation>
    </message>
    <message>
        <source>{name}: restart #{count}</source>
        <translation>{name}：第 {count} 次重启</translation>
    </message>
    <message>
        <source>could not start: {error}</source>
        <translation>无法启动：{error}</translation>
    </message>
    <message>
        <source>{name}: starting (pid {pid})</source>
        <translation>{name}：正在启动（pid {pid}）</translation>
    </message>
    <message>
        <source>{name}: did not stop in time</source>
        <translation>{name}：未能及时停止</translation>
    </message>
    <message>
        <source>stopped on request</source>
        <translation>已按请求停止</translation>
    </message>
    <message>
        <source>returned {value}</source>
        <translation>返回了 {value}</translation>
    </message>
    <message>
        <source>{name}: discarded a half-written message ({size} bytes) cut by its death</source>
        <translation>{name}：丢弃了一条因进程退出而只写了一半的消息（{size} 字节）</translation>
    </message>
    <message>
        <source>{detail}; {exit}</source>
        <translation>{detail}；{exit}</translation>
    </message>
    <message>
        <source>{name}: {state} — {text}</source>
        <translation>{name}：{state} — {text}</translation>
    </message>
    <message>
        <source>stopped before it started</source>
        <translation>在启动前已停止</translation>
    </message>
    <message>
        <source>{name}: stopping — {why}</source>
        <translation>{name}：正在停止 — {why}</translation>
    </message>
    <message>
        <source>killed on request</source>
        <translation>已按请求强制结束</translation>
    </message>
    <message>
        <source>terminated on request</source>
        <translation>已按请求终止</translation>
    </message>
    <message>
        <source>terminated from outside mpscope</source>
        <translation>被 mpscope 之外的程序终止</translation>
    </message>
    <message>
        <source>died without a final message</source>
        <translation>意外退出，未发出最终消息</translation>
    </message>
    <message>
        <source>{why}: {detail}</source>
        <translation>{why}：{detail}</translation>
    </message>
    <message>
        <source>{action} is not available for a followed run</source>
        <translation>跟随的运行不支持 {action}</translation>
    </message>
    <message>
        <source>not connected: {action} was not sent</source>
        <translation>未连接：{action} 没有发送</translation>
    </message>
    <message>
        <source>connecting to {host}…</source>
        <translation>正在连接 {host}…</translation>
    </message>
    <message>
        <source>the stream from {host} is not mpscope&apos;s: {problem}</source>
        <translation>来自 {host} 的数据流不是 mpscope 的：{problem}</translation>
    </message>
    <message>
        <source>stopped following; the run on {host} goes on</source>
        <translation>已停止跟随；{host} 上的运行仍在继续</translation>
    </message>
    <message>
        <source>cannot start {command}: {problem}</source>
        <translation>无法启动 {command}：{problem}</translation>
    </message>
    <message>
        <source>reconnecting to {host}…</source>
        <translation>正在重新连接 {host}…</translation>
    </message>
    <message>
        <source>following run #{run} on {host}</source>
        <translation>正在跟随 {host} 上的运行 #{run}</translation>
    </message>
    <message>
        <source>run #{run} on {host} ended (exit status {code})</source>
        <translation>{host} 上的运行 #{run} 已结束（退出状态 {code}）</translation>
    </message>
    <message>
        <source>{host}: {problem}</source>
        <translation>{host}：{problem}</translation>
    </message>
    <message>
        <source>cannot follow a run on {host}: {problem}</source>
        <translation>无法跟随 {host} 上的运行：{problem}</translation>
    </message>
    <message>
        <source>connection to {host} lost ({problem}); trying again in {seconds:.0f} s</source>
        <translation>与 {host} 的连接已断开（{problem}）；{seconds:.0f} 秒后重试</translation>
    </message>
    <message>
        <source>{name}: uses {rss} MiB, {share:.0f} % of the memory limit of {limit} MiB</source>
        <translation>{name}：占用 {rss} MiB，已达内存上限 {limit} MiB 的 {share:.0f} %</translation>
    </message>
    <message>
        <source>its memory ({rss} MiB) crossed the limit of {limit} MiB</source>
        <translation>它的内存（{rss} MiB）超过了 {limit} MiB 的上限</translation>
    </message>
    <message>
        <source>{name}: uses {rss} MiB, over the memory limit of {limit} MiB: stopping it</source>
        <translation>{name}：占用 {rss} MiB，超过内存上限 {limit} MiB：正在停止它</translation>
    </message>
    <message>
        <source>{name}: no stack: the process is not running</source>
        <translation>{name}：没有调用栈：进程没有在运行</translation>
    </message>
    <message>
        <source>{name}: stack not available: mpscope did not instrument this process (or it is still starting)</source>
        <translation>{name}：无法获取调用栈：这个进程不是由 mpscope 插桩的（或仍在启动中）</translation>
    </message>
    <message>
        <source>{name}: stack not available: its dump file is missing</source>
        <translation>{name}：无法获取调用栈：它的转储文件不存在</translation>
    </message>
    <message>
        <source>{name}: no stack: the process has just ended</source>
        <translation>{name}：没有调用栈：进程刚刚结束</translation>
    </message>
    <message>
        <source>{name}: no stack: pid {pid} did not answer within {seconds:g} s</source>
        <translation>{name}：没有调用栈：pid {pid} 在 {seconds:g} 秒内没有回应</translation>
    </message>
    <message>
        <source>{name}: Python stack of {threads} thread(s) (pid {pid})</source>
        <translation>{name}：{threads} 个线程的 Python 调用栈（pid {pid}）</translation>
    </message>
    <message>
        <source>could not start the pool: {error}</source>
        <translation>无法启动进程池：{error}</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>the executor reported: {error}</source>
        <translation>执行器报告：{error}</translation>
    </message>
    <message>
        <source>pool: the executor started no process for {count} queued tasks after the last one retired (max_tasks_per_child: CPython gh-115634); mpscope starts them</source>
        <translation>进程池：最后一个进程达到任务数上限退出后，执行器没有为排队中的 {count} 个任务启动任何进程（max_tasks_per_child：CPython gh-115634）；由 mpscope 启动它们</translation>
    </message>
    <message>
        <source>pool: kept {count} results the abandoned pool had already handed to the parent</source>
        <translation>进程池：保留了被放弃的进程池已交给父进程的 {count} 个结果</translation>
    </message>
    <message>
        <source>callback: {call} → {value}</source>
        <translation>回调：{call} → {value}</translation>
    </message>
    <message>
        <source>callback: {method} delivered its list of {count} results</source>
        <translation>回调：{method} 交付了包含 {count} 个结果的列表</translation>
    </message>
    <message>
        <source>a task</source>
        <translation>某个任务</translation>
    </message>
    <message>
        <source>error_callback: {call} raised {error}</source>
        <translation>错误回调：{call} 抛出了 {error}</translation>
    </message>
    <message>
        <source>{method}: {call} raised {error}; the method raises here and delivers nothing more</source>
        <translation>{method}：{call} 抛出了 {error}；该方法在此抛出异常，不再交付任何结果</translation>
    </message>
    <message>
        <source>{method}: {call} raised {error}; iteration goes on past it</source>
        <translation>{method}：{call} 抛出了 {error}；迭代越过它继续进行</translation>
    </message>
    <message>
        <source>pool: {kind}({processes}) {method} over {items} items in {tasks} tasks (chunksize {chunksize}, start method {start_method})</source>
        <translation>进程池：{kind}({processes}) {method} 处理 {items} 个数据项，共 {tasks} 个任务（分块大小 {chunksize}，启动方式 {start_method}）</translation>
    </message>
    <message>
        <source>pool: rebuilt as generation {generation} for {tasks} tasks</source>
        <translation>进程池：为 {tasks} 个任务重建为第 {generation} 代</translation>
    </message>
    <message>
        <source>pool: {note}</source>
        <translation>进程池：{note}</translation>
    </message>
    <message>
        <source>run stopped</source>
        <translation>运行已停止</translation>
    </message>
    <message>
        <source>worker output passed {size} MiB in this run: the rest is read but not kept</source>
        <translation>本次运行的工作进程输出已超过 {size} MiB：其余部分照常读取，但不再保留</translation>
    </message>
    <message>
        <source>{name}: paused — stopped by a signal (SIGSTOP); Resume continues it</source>
        <translation>{name}：已暂停 — 被信号停止（SIGSTOP）；“继续”可使其继续运行</translation>
    </message>
    <message>
        <source>{name}: running again</source>
        <translation>{name}：已继续运行</translation>
    </message>
    <message>
        <source>{target}: restart asked through the control socket (pid {pid})</source>
        <translation>{target}：已通过控制套接字请求重启（进程 {pid}）</translation>
    </message>
    <message>
        <source>the run has ended: there is nothing to control</source>
        <translation>运行已结束：没有可控制的内容</translation>
    </message>
    <message>
        <source>not connected: the run&apos;s commands cannot reach it now</source>
        <translation>未连接：命令现在无法送达该运行</translation>
    </message>
    <message>
        <source>its owner has not said its process id yet</source>
        <translation>它的所属进程尚未报告进程号</translation>
    </message>
    <message>
        <source>asking {host} for its live runs…</source>
        <translation>正在向 {host} 询问正在进行的运行…</translation>
    </message>
    <message>
        <source>the list from {host} is not mpscope&apos;s: {problem}</source>
        <translation>来自 {host} 的列表不是 mpscope 的：{problem}</translation>
    </message>
    <message>
        <source>stopped asking {host}</source>
        <translation>已停止询问 {host}</translation>
    </message>
    <message>
        <source>{count} live runs on {host}</source>
        <translation>{host} 上有 {count} 个正在进行的运行</translation>
    </message>
    <message>
        <source>no run is live on {host}</source>
        <translation>{host} 上没有正在进行的运行</translation>
    </message>
    <message>
        <source>cannot list the runs on {host}: {problem}</source>
        <translation>无法列出 {host} 上的运行：{problem}</translation>
    </message>
    <message>
        <source>{error} — Dask gave up on it: each worker that ran it died, and it was retried as often as distributed.scheduler.allowed-failures allows (once on mpscope&apos;s own cluster); the task may crash its process or exhaust its worker&apos;s memory</source>
        <translation>{error} — Dask 已放弃该任务：运行它的每个工作进程都已退出，重试次数已达 distributed.scheduler.allowed-failures 的上限（mpscope 自己的集群为 1 次）；该任务可能使其进程崩溃，或耗尽了工作进程的内存</translation>
    </message>
    <message>
        <source>could not start a local Dask cluster: {error}</source>
        <translation>无法启动本地 Dask 集群：{error}</translation>
    </message>
    <message>
        <source>cannot reach the Dask scheduler at {address} within {seconds:g} s: {error}</source>
        <translation>{seconds:g} 秒内无法连接 {address} 上的 Dask 调度器：{error}</translation>
    </message>
    <message>
        <source>could not ask the Dask workers to import {task}: {error}</source>
        <translation>无法让 Dask 工作进程导入 {task}：{error}</translation>
    </message>
    <message>
        <source>the Dask scheduler {address} has no workers</source>
        <translation>Dask 调度器 {address} 没有工作进程</translation>
    </message>
    <message>
        <source>Dask worker {worker} cannot import the task {task}: {error} — install the task&apos;s package (and mpscope) on every worker</source>
        <translation>Dask 工作进程 {worker} 无法导入任务 {task}：{error} — 请在每个工作进程所在机器上安装该任务的包（以及 mpscope）</translation>
    </message>
    <message>
        <source>pool: restarted {count} Dask workers to stop the tasks they were running (client.cancel() does not stop a running task)</source>
        <translation>进程池：已重启 {count} 个 Dask 工作进程以停止其正在运行的任务（client.cancel() 不会停止正在运行的任务）</translation>
    </message>
    <message>
        <source>pool: started a local Dask cluster at {address} ({count} worker processes, one thread each)</source>
        <translation>进程池：已在 {address} 启动本地 Dask 集群（{count} 个工作进程，每个一个线程）</translation>
    </message>
    <message>
        <source>pool: connected to the Dask scheduler at {address}</source>
        <translation>进程池：已连接 {address} 上的 Dask 调度器</translation>
    </message>
    <message>
        <source>pool: memory_limit is given to the workers of mpscope&apos;s own cluster only; the workers of {address} keep theirs (dask worker --memory-limit)</source>
        <translation>进程池：memory_limit 只用于 mpscope 自己启动的集群的工作进程；{address} 的工作进程保留各自的内存上限（`dask worker --memory-limit`）</translation>
    </message>
    <message>
        <source>pool: stopping — pending Dask tasks are cancelled and the workers running one are restarted (Dask cannot cancel a running task)</source>
        <translation>进程池：正在停止 — 取消等待中的 Dask 任务，并重启正在运行任务的工作进程（Dask 无法取消正在运行的任务）</translation>
    </message>
    <message>
        <source>{name}: restart asked of its nanny ({address})</source>
        <translation>{name}：已请求其 nanny 重启（{address}）</translation>
    </message>
    <message>
        <source>closed with mpscope&apos;s cluster</source>
        <translation>随 mpscope 的集群一起关闭</translation>
    </message>
    <message>
        <source>no longer watched (it stays with its cluster)</source>
        <translation>不再监视（它仍留在其集群中）</translation>
    </message>
    <message>
        <source>{name}: Dask worker {address} on {host}</source>
        <translation>{name}：Dask 工作进程 {address}，位于 {host}</translation>
    </message>
    <message>
        <source>{address} · {threads} thread(s) · memory limit {limit}</source>
        <translation>{address} · {threads} 个线程 · 内存上限 {limit}</translation>
    </message>
    <message>
        <source>{name}: memory {used:.1f} GiB is {share:.0f}% of its {limit:.1f} GiB limit — Dask pauses a worker at 80% and its nanny restarts it at 95%, losing its tasks</source>
        <translation>{name}：内存 {used:.1f} GiB，已达其 {limit:.1f} GiB 上限的 {share:.0f}% — Dask 在 80% 时暂停工作进程，在 95% 时由 nanny 重启它，其任务随之失联</translation>
    </message>
    <message>
        <source>lost: Dask worker {address} died</source>
        <translation>失联：Dask 工作进程 {address} 已退出</translation>
    </message>
    <message>
        <source>Dask retries it on another worker</source>
        <translation>Dask 会在另一个工作进程上重试</translation>
    </message>
    <message>
        <source>{task} lost: Dask worker {address} died; {again}</source>
        <translation>{task} 失联：Dask 工作进程 {address} 已退出；{again}</translation>
    </message>
    <message>
        <source>closed by the cluster</source>
        <translation>已被集群关闭</translation>
    </message>
    <message>
        <source>restarted on request</source>
        <translation>已按请求重启</translation>
    </message>
    <message>
        <source>the scheduler lost it</source>
        <translation>调度器与其失联</translation>
    </message>
    <message>
        <source>{task}: retried by Dask on {name} (attempt {attempt})</source>
        <translation>{task}：Dask 在 {name} 上重试（第 {attempt} 次尝试）</translation>
    </message>
    <message>
        <source>callback: {count:,} more results delivered ({total:,} so far; only the first {shown} are shown one by one)</source>
        <translation>回调：又交付了 {count:,} 个结果（共 {total:,} 个；只有前 {shown} 个逐一显示）</translation>
    </message>
    <message>
        <source>pool: generation {generation} abandoned ({why}): processes killed and reaped, nothing waits on it</source>
        <translation>进程池：第 {generation} 代已放弃（{why}）：进程已强制结束并回收，没有任何代码在等待它</translation>
    </message>
    <message>
        <source>pool: generation {generation} abandoned: processes killed and reaped, nothing waits on it</source>
        <translation>进程池：第 {generation} 代已放弃：进程已强制结束并回收，没有任何代码在等待它</translation>
    </message>
    <message>
        <source>the pool broke {count} times in a row before finishing any task; not rebuilding it again</source>
        <translation>进程池连续 {count} 次在完成任何任务之前崩溃；不再重建</translation>
    </message>
    <message>
        <source>lost twice, not retried again; last: {error}</source>
        <translation>已丢失两次，不再重试；最后一次：{error}</translation>
    </message>
    <message>
        <source>{task} failed: {error}</source>
        <translation>{task}失败：{error}</translation>
    </message>
    <message>
        <source>{task}: retrying on a rebuilt pool (attempt 2)</source>
        <translation>{task}：在重建的进程池上重试（第 2 次尝试）</translation>
    </message>
    <message>
        <source>the method had already raised</source>
        <translation>该方法已经抛出了异常</translation>
    </message>
    <message>
        <source>no result and no report from the pool</source>
        <translation>进程池既没有返回结果，也没有报告</translation>
    </message>
    <message>
        <source>the pool driver crashed</source>
        <translation>进程池驱动线程崩溃了</translation>
    </message>
    <message>
        <source>pool: the driver thread crashed:
{traceback}</source>
        <translation>进程池：驱动线程崩溃了：
{traceback}</translation>
    </message>
    <message>
        <source>was killed by the kernel&apos;s OOM killer (out of memory)</source>
        <translation>被内核的内存不足终结机制（OOM）强制结束（内存耗尽）</translation>
    </message>
    <message>
        <source>task {task} (item {item})</source>
        <translation>任务 {task}（数据项 {item}）</translation>
    </message>
    <message>
        <source>task {task} (items {first}–{last})</source>
        <translation>任务 {task}（数据项 {first}–{last}）</translation>
    </message>
    <message>
        <source>python {option} ignores the environment: watching processes only, no tasks</source>
        <translation>python {option} 忽略环境变量：只观察进程，不跟踪任务</translation>
    </message>
    <message>
        <source>no script to run: watching processes only, no tasks</source>
        <translation>没有要运行的脚本：只观察进程，不跟踪任务</translation>
    </message>
    <message>
        <source>main program</source>
        <translation>主程序</translation>
    </message>
    <message>
        <source>Pool process</source>
        <translation>池进程</translation>
    </message>
    <message>
        <source>Executor process</source>
        <translation>执行器池进程</translation>
    </message>
    <message>
        <source>Process</source>
        <translation>Process 子进程</translation>
    </message>
    <message>
        <source>resource tracker</source>
        <translation>资源跟踪进程</translation>
    </message>
    <message>
        <source>fork server</source>
        <translation>fork 服务器进程</translation>
    </message>
    <message>
        <source>subprocess</source>
        <translation>子进程</translation>
    </message>
    <message>
        <source>{name}: {role} running (pid {pid}, parent {parent})</source>
        <translation>{name}：{role}运行中（pid {pid}，父进程 {parent}）</translation>
    </message>
    <message>
        <source>{name}: paused (pid {pid})</source>
        <translation>{name}：已暂停（pid {pid}）</translation>
    </message>
    <message>
        <source>{name}: resumed (pid {pid})</source>
        <translation>{name}：已继续（pid {pid}）</translation>
    </message>
    <message>
        <source>ended (exit status unknown)</source>
        <translation>已结束（退出状态未知）</translation>
    </message>
    <message>
        <source>pool: {method} of {items} item(s), chunksize {chunksize}</source>
        <translation>进程池：{method}，{items} 项，分块大小 {chunksize}</translation>
    </message>
    <message>
        <source>cancelled: pool process pid {pid} was terminated while running it</source>
        <translation>已取消：池进程 pid {pid} 在运行它时被终止</translation>
    </message>
    <message>
        <source>lost: pool process pid {pid} died ({how})</source>
        <translation>失联：池进程 pid {pid} 已死亡（{how}）</translation>
    </message>
    <message>
        <source>{task} lost: pool process pid {pid} died ({how})</source>
        <translation>{task} 失联：池进程 pid {pid} 已死亡（{how}）</translation>
    </message>
    <message>
        <source>pool tasks: {tasks} — {done} ok, {failed} failed, {lost} lost · {items_done:,}/{items_total:,} items in {calls} call(s) · {pids} pids</source>
        <translation>池任务：{tasks} 个 — {done} 个成功，{failed} 个失败，{lost} 个失联 · {items_done:,}/{items_total:,} 项，{calls} 次调用 · {pids} 个 pid</translation>
    </message>
    <message>
        <source>{name} (pid {pid}) is still running after the program ended</source>
        <translation>{name}（pid {pid}）在程序结束后仍在运行</translation>
    </message>
    <message>
        <source>tasks not tracked: {why}</source>
        <translation>未跟踪任务：{why}</translation>
    </message>
    <message>
        <source>pid {pid}: mpscope fell behind and {count} report(s) were dropped: task counts are incomplete (the program was not slowed down)</source>
        <translation>pid {pid}：mpscope 处理不及，丢弃了 {count} 条报告：任务计数不完整（程序本身未被拖慢）</translation>
    </message>
    <message>
        <source>output beyond {size} MB is not kept (the terminal still gets all of it)</source>
        <translation>超过 {size} MB 的输出不再保存（终端仍会收到全部输出）</translation>
    </message>
    <message>
        <source>{name}: {signal} sent to it and every process it started</source>
        <translation>{name}：已向它及其启动的所有进程发送 {signal}</translation>
    </message>
    <message>
        <source>{name}: stack not available: not a Python process mpscope could instrument (or the program uses that signal itself)</source>
        <translation>{name}：无法获取调用栈：不是 mpscope 能够插桩的 Python 进程（或程序自己使用了该信号）</translation>
    </message>
    <message>
        <source>results match a serial run</source>
        <translation>结果与串行运行一致</translation>
    </message>
    <message>
        <source>results DIFFER from a serial run</source>
        <translation>结果与串行运行不一致</translation>
    </message>
    <message>
        <source>results not checked</source>
        <translation>结果未核对</translation>
    </message>
    <message>
        <source>pool: {backend} {method} ×{processes} (chunksize {chunksize}): {tasks} tasks — {done} ok, {failed} failed, {lost} lost, {retried} retried, {cancelled} cancelled · {items_done:,}/{items_total:,} items in {seconds:.2f} s · {pids} pids · {check}</source>
        <translation>进程池：{backend} {method} ×{processes}（分块大小 {chunksize}）：{tasks} 个任务 — {done} 个成功，{failed} 个失败，{lost} 个丢失，{retried} 个重试，{cancelled} 个取消 · {items_done:,}/{items_total:,} 个数据项，用时 {seconds:.2f} 秒 · {pids} 个 pid · {check}</translation>
    </message>
    <message>
        <source>pool: no items, nothing to run</source>
        <translation>进程池：没有数据项，无需运行</translation>
    </message>
    <message>
        <source>pool: stopping — unfinished tasks are cancelled</source>
        <translation>进程池：正在停止 — 未完成的任务将被取消</translation>
    </message>
    <message>
        <source>{name}: {signal} sent</source>
        <translation>{name}：已发送 {signal}</translation>
    </message>
    <message>
        <source>exit status unknown</source>
        <translation>退出状态未知</translation>
    </message>
    <message>
        <source>killed by the kernel&apos;s OOM killer (out of memory)</source>
        <translation>被内核的内存不足终结机制（OOM）强制结束（内存耗尽）</translation>
    </message>
    <message>
        <source>killed from outside mpscope (possibly by the kernel&apos;s OOM killer)</source>
        <translation>被 mpscope 之外的程序强制结束（可能是内核的内存不足终结机制 OOM）</translation>
    </message>
    <message>
        <source>the whole run</source>
        <translation>整个运行</translation>
    </message>
    <message>
        <source>{target}: stop asked through the control socket (pid {pid})</source>
        <translation>{target}：已通过控制套接字请求停止（进程 {pid}）</translation>
    </message>
    <message>
        <source>{target}: pause asked through the control socket (pid {pid})</source>
        <translation>{target}：已通过控制套接字请求暂停（进程 {pid}）</translation>
    </message>
    <message>
        <source>{target}: resume asked through the control socket (pid {pid})</source>
        <translation>{target}：已通过控制套接字请求继续（进程 {pid}）</translation>
    </message>
    <message>
        <source>{target}: terminate asked through the control socket (pid {pid})</source>
        <translation>{target}：已通过控制套接字请求终止（进程 {pid}）</translation>
    </message>
    <message>
        <source>{target}: kill asked through the control socket (pid {pid})</source>
        <translation>{target}：已通过控制套接字请求强制结束（进程 {pid}）</translation>
    </message>
    <message>
        <source>pool: process pid {pid} ended before it could be tracked ({how}): its start-up failed? The stdlib would start another forever; the pool is abandoned</source>
        <translation>进程池：进程 pid {pid} 在被跟踪之前就结束了（{how}）：可能是启动失败？标准库会无休止地启动新进程；因此放弃该进程池</translation>
    </message>
    <message>
        <source>{name}: running (pid {pid}, pool generation {generation})</source>
        <translation>{name}：运行中（pid {pid}，进程池第 {generation} 代）</translation>
    </message>
    <message>
        <source>stopped with the pool</source>
        <translation>随进程池一起停止</translation>
    </message>
    <message>
        <source>retired: exited normally</source>
        <translation>达到任务数上限后退出：正常退出</translation>
    </message>
    <message>
        <source>killed by mpscope: its pool was abandoned after another process died</source>
        <translation>被 mpscope 强制结束：另一个进程意外退出后，它所在的进程池被放弃</translation>
    </message>
    <message>
        <source>died</source>
        <translation>意外退出</translation>
    </message>
    <message>
        <source>lost: pool process pid {pid} {who} ({how})</source>
        <translation>丢失：进程池进程 pid {pid} {who}（{how}）</translation>
    </message>
    <message>
        <source>it will be retried once</source>
        <translation>将重试一次</translation>
    </message>
    <message>
        <source>it was already retried</source>
        <translation>已经重试过</translation>
    </message>
    <message>
        <source>{task} lost: pool process pid {pid} {who} ({how}); {again}</source>
        <translation>{task}丢失：进程池进程 pid {pid} {who}（{how}）；{again}</translation>
    </message>
    <message>
        <source>{who} ({how}) holding {task}</source>
        <translation>{who}（{how}），当时正在处理 {task}</translation>
    </message>
    <message>
        <source>{who} ({how}) holding no task (it was idle)</source>
        <translation>{who}（{how}），当时没有任务（处于空闲）</translation>
    </message>
    <message>
        <source>Segmentation fault</source>
        <translation>段错误</translation>
    </message>
    <message>
        <source>Killed</source>
        <translation>被强制结束</translation>
    </message>
    <message>
        <source>Terminated</source>
        <translation>被终止</translation>
    </message>
    <message>
        <source>Interrupt</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>Aborted</source>
        <translation>异常中止</translation>
    </message>
    <message>
        <source>Bus error</source>
        <translation>总线错误</translation>
    </message>
    <message>
        <source>Floating point exception</source>
        <translation>浮点异常</translation>
    </message>
    <message>
        <source>Illegal instruction</source>
        <translation>非法指令</translation>
    </message>
    <message>
        <source>Hangup</source>
        <translation>挂断</translation>
    </message>
    <message>
        <source>Broken pipe</source>
        <translation>管道破裂</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>CPU time limit exceeded</source>
        <translation>超出 CPU 时间限制</translation>
    </message>
    <message>
        <source>still running</source>
        <translation>仍在运行</translation>
    </message>
    <message>
        <source>exited normally (code 0)</source>
        <translation>正常退出（退出码 0）</translation>
    </message>
    <message>
        <source>signal {name} ({description})</source>
        <translation>信号 {name}（{description}）</translation>
    </message>
    <message>
        <source>signal {name}</source>
        <translation>信号 {name}</translation>
    </message>
    <message>
        <source>exit code {code}: the parent died, the worker ended itself</source>
        <translation>退出码 {code}：父进程已退出，工作进程自行结束</translation>
    </message>
    <message>
        <source>exit code {code}</source>
        <translation>退出码 {code}</translation>
    </message>
</context>
<context>
    <name>lessons</name>
    <message>
        <source>parent</source>
        <translation>父进程</translation>
    </message>
    <message>
        <source>child 1</source>
        <translation>子进程 1</translation>
    </message>
    <message>
        <source>child 2</source>
        <translation>子进程 2</translation>
    </message>
    <message>
        <source>grandchild (child of child 1)</source>
        <translation>孙进程（子进程 1 的子进程）</translation>
    </message>
    <message>
        <source>Four processes, each with its own pid</source>
        <translation>四个进程，各有自己的 pid</translation>
    </message>
    <message>
        <source>process</source>
        <translation>进程</translation>
    </message>
    <message>
        <source>pid</source>
        <translation>PID</translation>
    </message>
    <message>
        <source>parent pid</source>
        <translation>父进程 pid</translation>
    </message>
    <message>
        <source>reported after (ms)</source>
        <translation>报告时间（毫秒）</translation>
    </message>
    <message>
        <source>start() returned after {start_ms:.1f} ms for both children; join() then waited {join_s:.2f} s for them to end.</source>
        <translation>启动两个子进程时，start() 在 {start_ms:.1f} 毫秒后就返回了；随后 join() 等了 {join_s:.2f} 秒，直到它们结束。</translation>
    </message>
    <message>
        <source>The grandchild&apos;s parent pid ({ppid}) is child 1&apos;s pid: the processes form a tree.</source>
        <translation>孙进程的父进程 pid（{ppid}）正是子进程 1 的 pid：这些进程构成一棵树。</translation>
    </message>
    <message>
        <source>The children ended with exit codes {first} and {second} (0 means a normal end).</source>
        <translation>两个子进程的退出码是 {first} 和 {second}（0 表示正常结束）。</translation>
    </message>
    <message>
        <source>1 thread</source>
        <translation>1 个线程</translation>
    </message>
    <message>
        <source>{n} threads</source>
        <translation>{n} 个线程</translation>
    </message>
    <message>
        <source>{n} processes</source>
        <translation>{n} 个进程</translation>
    </message>
    <message>
        <source>The same CPU-bound work, three ways (median of 3 rounds)</source>
        <translation>同样的 CPU 密集型工作，三种方式（3 轮的中位数）</translation>
    </message>
    <message>
        <source>way</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>median (s)</source>
        <translation>中位数（秒）</translation>
    </message>
    <message>
        <source>spread (s)</source>
        <translation>波动（秒）</translation>
    </message>
    <message>
        <source>speedup</source>
        <translation>加速比</translation>
    </message>
    <message>
        <source>This Python runs with the GIL ({version}): one thread at a time runs Python code in a process.</source>
        <translation>这个 Python（{version}）带有 GIL：一个进程中同一时刻只有一个线程执行 Python 代码。</translation>
    </message>
    <message>
        <source>This Python runs WITHOUT the GIL ({version}, a free-threaded build): threads can run Python code on several cores at once here.</source>
        <translation>这个 Python（{version}，自由线程构建）没有启用 GIL：在这里，线程可以同时在多个核心上执行 Python 代码。</translation>
    </message>
    <message>
        <source>Threads: {threads:.2f}x as fast as one thread; processes: {processes:.2f}x ({n} CPUs).</source>
        <translation>多线程的速度是单线程的 {threads:.2f} 倍；多进程是 {processes:.2f} 倍（{n} 个 CPU）。</translation>
    </message>
    <message>
        <source>This machine gives the program only one CPU: nothing can run in parallel, so neither threads nor processes can be faster.</source>
        <translation>这台机器只给本程序一个 CPU：什么都无法并行，所以线程和进程都不可能更快。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point: the CPUs were already {busy:.0f}% busy with other programs, so the processes had no free cores. Close other programs and run it again.</source>
        <translation>这次结果 并没有体现本课的结论：CPU 已被其他程序占用 {busy:.0f}%，进程找不到空闲的核心。请关闭其他程序后再运行一次。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point, although the CPUs looked idle ({busy}% busy): run it again and compare the spread column.</source>
        <translation>这次结果 并没有体现本课的结论，尽管 CPU 看起来是空闲的（占用 {busy}%）：请再运行一次，并对比“波动”一列。</translation>
    </message>
    <message>
        <source>As expected: threads did not speed up CPU-bound Python code, processes did.</source>
        <translation>与预期一致：多线程没有加速 CPU 密集型的 Python 代码，多进程做到了。</translation>
    </message>
    <message>
        <source>Eight uneven tasks, two processes: when results reach the parent</source>
        <translation>八个长短不一的任务、两个进程：结果何时到达父进程</translation>
    </message>
    <message>
        <source>method</source>
        <translation>方法</translation>
    </message>
    <message>
        <source>first result after (s)</source>
        <translation>第一个结果（秒）</translation>
    </message>
    <message>
        <source>last result after (s)</source>
        <translation>最后一个结果（秒）</translation>
    </message>
    <message>
        <source>order received</source>
        <translation>到达顺序</translation>
    </message>
    <message>
        <source>map_async returned at once: ready() was {ready}, get(timeout=0.01) raised TimeoutError: {timed_out}; later ready() was {ready_after}, successful() was {successful}, get() gave {values}.</source>
        <translation>map_async 立刻返回：ready() 为 {ready}，get(timeout=0.01) 抛出 TimeoutError：{timed_out}；之后 ready() 为 {ready_after}，successful() 为 {successful}，get() 得到 {values}。</translation>
    </message>
    <message>
        <source>The callbacks ran in the parent&apos;s thread {thread!r}, not in the main thread; six 0.05 s tasks with a 0.1 s callback each took {seconds:.2f} s, because that one thread runs the callbacks one after another.</source>
        <translation>回调在父进程的线程 {thread!r} 中运行，而不在主线程中；六个 0.05 秒的任务，每个配一个 0.1 秒的回调，一共用了 {seconds:.2f} 秒，因为这一个线程只能一个接一个地运行回调。</translation>
    </message>
    <message>
        <source>map and starmap deliver all results at once, in input order; imap delivers them in input order as soon as each is ready, so slow item 0 holds back the rest; imap_unordered and apply_async deliver each result as soon as it is done.</source>
        <translation>map 和 starmap 按输入顺序一次性交付所有结果；imap 按输入顺序、在每项就绪时逐个交付，所以慢的第 0 项拖住了其余各项；imap_unordered 和 apply_async 在每个结果完成时立刻交付。</translation>
    </message>
    <message>
        <source>imap, chunksize={size}</source>
        <translation>imap，chunksize={size}</translation>
    </message>
    <message>
        <source>map (it chose chunksize={size})</source>
        <translation>map（它选择了 chunksize={size}）</translation>
    </message>
    <message>
        <source>5,000 tiny tasks (median of 3 rounds)</source>
        <translation>5000 个极小的任务（3 轮的中位数）</translation>
    </message>
    <message>
        <source>how</source>
        <translation>方式</translation>
    </message>
    <message>
        <source>messages out</source>
        <translation>发出的消息数</translation>
    </message>
    <message>
        <source>Chunks of 1000 were {ratio:.0f}x as fast as one item per message: the work is the same, only the number of messages changed.</source>
        <translation>分块大小为 1000 时的速度是每条消息一项时的 {ratio:.0f} 倍：工作量相同，变的只是消息的数量。</translation>
    </message>
    <message>
        <source>map, chunksize={size}</source>
        <translation>map，chunksize={size}</translation>
    </message>
    <message>
        <source>20 uneven tasks (7 slow ones first; median of 3 rounds)</source>
        <translation>20 个长短不一的任务（7 个慢任务在前；3 轮的中位数）</translation>
    </message>
    <message>
        <source>With uneven tasks, chunks of 7 took {big:.2f} s against {small:.2f} s for chunks of 1: one process got all the slow items while the other sat idle.</source>
        <translation>任务长短不一时，分块大小为 7 耗时 {big:.2f} 秒，分块大小为 1 只要 {small:.2f} 秒：一个进程分到了所有慢任务，另一个进程却闲着。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point clearly: the CPUs were already {busy:.0f}% busy with other programs. Close them and run it again.</source>
        <translation>这次结果 并没有清楚地体现本课的结论：CPU 已被其他程序占用 {busy:.0f}%。请关闭它们后再运行一次。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point clearly, although the CPUs looked idle: run it again and compare the spread column.</source>
        <translation>这次结果 并没有清楚地体现本课的结论，尽管 CPU 看起来是空闲的：请再运行一次，并对比“波动”一列。</translation>
    </message>
    <message>
        <source>16 CPU-bound tasks on pools of 1 to 2x the CPUs (median of 3 rounds)</source>
        <translation>16 个 CPU 密集型任务，进程池从 1 个进程到 CPU 数的 2 倍（3 轮的中位数）</translation>
    </message>
    <message>
        <source>processes</source>
        <translation>进程数</translation>
    </message>
    <message>
        <source>efficiency</source>
        <translation>并行效率</translation>
    </message>
    <message>
        <source>The best speedup was {speedup:.2f}x, with {n} processes, on {cores} CPUs.</source>
        <translation>在 {cores} 个 CPU 上，最高加速比为 {speedup:.2f}，此时有 {n} 个进程。</translation>
    </message>
    <message>
        <source>Amdahl&apos;s law fits these points with a serial share of {share:.0%}: even on many cores the speedup would stay below {limit:.1f}x.</source>
        <translation>阿姆达尔定律以 {share:.0%} 的串行比例拟合了这些点：即使核心再多，加速比也不会超过 {limit:.1f}。</translation>
    </message>
    <message>
        <source>Amdahl&apos;s law fits these points with no serial share at all: the work scales fully up to the core count.</source>
        <translation>阿姆达尔定律拟合这些点时串行比例为零：在核心数以内，这项工作可以完全并行。</translation>
    </message>
    <message>
        <source>Amdahl&apos;s law does not fit these points (off by up to {off:.0%}): the timings vary too much to estimate a serial share.</source>
        <translation>阿姆达尔定律与这些点不吻合（偏差最大 {off:.0%}）：计时波动太大，无法估计串行比例。</translation>
    </message>
    <message>
        <source>With {cores} CPUs there are too few points below the core count to fit Amdahl&apos;s law: no serial share is estimated.</source>
        <translation>只有 {cores} 个 CPU 时，核心数以内的测量点太少，无法拟合阿姆达尔定律：因此不估计串行比例。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point: the CPUs were already {busy:.0f}% busy with other programs, so more processes found no free cores. Close other programs and run it again.</source>
        <translation>这次结果 并没有体现本课的结论：CPU 已被其他程序占用 {busy:.0f}%，增加的进程找不到空闲的核心。请关闭其他程序后再运行一次。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point, although the CPUs looked idle: run it again and compare the spread column.</source>
        <translation>这次结果 并没有体现本课的结论，尽管 CPU 看起来是空闲的：请再运行一次，并对比“波动”一列。</translation>
    </message>
    <message>
        <source>Beyond {cores} processes the speedup does not grow: there are no more cores to run them on, only more processes taking turns.</source>
        <translation>超过 {cores} 个进程后，加速比不再增长：没有更多的核心来运行它们，只是更多的进程在轮流运行。</translation>
    </message>
    <message>
        <source>20,000 numbers from a child to its parent (median of 3 rounds)</source>
        <translation>子进程向父进程发送 20000 个数字（3 轮的中位数）</translation>
    </message>
    <message>
        <source>channel</source>
        <translation>通道</translation>
    </message>
    <message>
        <source>items per message</source>
        <translation>每条消息的项数</translation>
    </message>
    <message>
        <source>messages</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>items per second</source>
        <translation>每秒项数</translation>
    </message>
    <message>
        <source>Measured here: sending {batch} items per message moved the same numbers {ratio:.1f}x as fast as one item per message.</source>
        <translation>本机实测：每条消息带 {batch} 项时，发送同样的数字，速度是每条消息一项时的 {ratio:.1f} 倍。</translation>
    </message>
    <message>
        <source>The CPUs were already {busy:.0f}% busy with other programs: these rates are lower and less steady than on an idle machine.</source>
        <translation>CPU 已被其他程序占用 {busy:.0f}%：这些速率比空闲机器上的低，也更不稳定。</translation>
    </message>
    <message>
        <source>Pipe() is duplex: the child received {sent!r} and sent back {reply!r} on the same end.</source>
        <translation>Pipe() 是双向的：子进程收到 {sent!r}，并在同一端发回了 {reply!r}。</translation>
    </message>
    <message>
        <source>Queue(maxsize=2) with 2 items waiting: a third put() blocked: {blocked} (it gave up with queue.Full after {seconds:.2f} s).</source>
        <translation>Queue(maxsize=2) 中已有 2 项等待时，第三次 put() 被阻塞：{blocked}（{seconds:.2f} 秒后以 queue.Full 放弃）。</translation>
    </message>
    <message>
        <source>counter.value += 1, no lock</source>
        <translation>counter.value += 1，不加锁</translation>
    </message>
    <message>
        <source>with get_lock(): on every add</source>
        <translation>每次加一都在 get_lock() 锁内</translation>
    </message>
    <message>
        <source>count locally, add once with the lock</source>
        <translation>本地计数，最后加锁写一次</translation>
    </message>
    <message>
        <source>4 processes x 20,000 adds to one shared counter (worst of 3 rounds)</source>
        <translation>4 个进程 × 20000 次对同一个共享计数器加一（3 轮中最差的一轮）</translation>
    </message>
    <message>
        <source>expected</source>
        <translation>期望值</translation>
    </message>
    <message>
        <source>final count</source>
        <translation>最终计数</translation>
    </message>
    <message>
        <source>lost updates</source>
        <translation>丢失的更新</translation>
    </message>
    <message>
        <source>Without a lock, {lost:,} of {expected:,} updates were lost: two processes read the same value, and one write overwrote the other.</source>
        <translation>不加锁时，{expected:,} 次更新中丢失了 {lost:,} 次：两个进程读到同一个值，一次写入覆盖了另一次。</translation>
    </message>
    <message>
        <source>This time no update was lost without the lock: the race is real but depends on timing (with one CPU, or by luck, the processes rarely overlap). Run it again.</source>
        <translation>这次不加锁也没有丢失更新：竞态条件确实存在，但取决于时机（只有一个 CPU 时，或者碰巧，进程很少交错执行）。请再运行一次。</translation>
    </message>
    <message>
        <source>With the lock the count is exact, but it took {locked:.2f} s against {local:.3f} s for counting locally and writing once.</source>
        <translation>加锁后计数准确，但耗时 {locked:.2f} 秒，而本地计数、最后写一次只要 {local:.3f} 秒。</translation>
    </message>
    <message>
        <source>the program reached its end</source>
        <translation>程序正常运行到结尾</translation>
    </message>
    <message>
        <source>the program called os._exit(0)</source>
        <translation>程序调用了 os._exit(0)</translation>
    </message>
    <message>
        <source>A daemon child (1 s of work) and a normal child (0.5 s) when the program ends</source>
        <translation>程序结束时的守护子进程（1 秒的工作）和普通子进程（0.5 秒）</translation>
    </message>
    <message>
        <source>how the program ended</source>
        <translation>程序如何结束</translation>
    </message>
    <message>
        <source>normal child finished</source>
        <translation>普通子进程完成了</translation>
    </message>
    <message>
        <source>daemon child finished</source>
        <translation>守护子进程完成了</translation>
    </message>
    <message>
        <source>program took (s)</source>
        <translation>程序耗时（秒）</translation>
    </message>
    <message>
        <source>At a normal end the daemon child was terminated before finishing its work, and the program waited for the normal child ({seconds:.2f} s in all).</source>
        <translation>正常结束时，守护子进程在完成工作之前就被终止了，而程序等待普通子进程完成（共 {seconds:.2f} 秒）。</translation>
    </message>
    <message>
        <source>Unexpected here: at a normal end the daemon child finished: {daemon}, the normal child finished: {normal}.</source>
        <translation>出乎意料：正常结束时，守护子进程完成了：{daemon}，普通子进程完成了：{normal}。</translation>
    </message>
    <message>
        <source>After os._exit(0) no exit hook ran: nobody terminated the daemon child, and it finished its work on its own.</source>
        <translation>调用 os._exit(0) 后，退出处理函数没有运行：没有人终止守护子进程，它独自完成了工作。</translation>
    </message>
    <message>
        <source>After os._exit(0) the daemon child did not finish its work within 1.2 s here.</source>
        <translation>调用 os._exit(0) 后，守护子进程在这里没有在 1.2 秒内完成工作。</translation>
    </message>
    <message>
        <source>A daemon process that tries to start a child gets: {outcome} (the check is an assert, so python -O skips it).</source>
        <translation>守护进程试图启动子进程时得到：{outcome}（这项检查是一个 assert，所以 python -O 会跳过它）。</translation>
    </message>
    <message>
        <source>Pool processes are daemons: daemon = {daemon}.</source>
        <translation>池进程都是守护进程：daemon = {daemon}。</translation>
    </message>
    <message>
        <source>exit code {code}, no exception</source>
        <translation>退出码 {code}，没有异常</translation>
    </message>
    <message>
        <source>{code} in the child</source>
        <translation>在子进程中调用 {code}</translation>
    </message>
    <message>
        <source>{error} with its message and traceback (exit code {code})</source>
        <translation>{error}，连同信息和回溯（退出码 {code}）</translation>
    </message>
    <message>
        <source>map raised {error}; no result at all</source>
        <translation>map 抛出 {error}；一个结果也拿不到</translation>
    </message>
    <message>
        <source>f received {received}, and get() raised {error} too</source>
        <translation>f 收到了 {received}，而且 get() 也抛出了 {error}</translation>
    </message>
    <message>
        <source>{results}: the item after the failure still came</source>
        <translation>{results}：出错项之后的结果照样到达</translation>
    </message>
    <message>
        <source>result() raised BrokenProcessPool</source>
        <translation>result() 抛出 BrokenProcessPool</translation>
    </message>
    <message>
        <source>What the parent sees when a child fails</source>
        <translation>子进程失败时父进程看到什么</translation>
    </message>
    <message>
        <source>what</source>
        <translation>做法</translation>
    </message>
    <message>
        <source>the parent sees</source>
        <translation>父进程看到</translation>
    </message>
    <message>
        <source>An exception ends only its own process; a pool hands it back to the caller. A crash raises nothing: only the exit code tells, and a Pool would wait for ever for the dead process&apos;s task, so this lesson shows the crash with ProcessPoolExecutor.</source>
        <translation>异常只会结束它所在的进程；进程池会把异常交还给调用者。崩溃不会抛出任何异常：只有退出码能说明情况，而 Pool 会永远等待死掉的进程手上的任务，所以本课用 ProcessPoolExecutor 演示崩溃。</translation>
    </message>
    <message>
        <source>This Python ({version}) on {system} offers {methods}; its default is {default}.</source>
        <translation>这个 Python（{version}，{system}）提供的启动方法有 {methods}；默认是 {default}。</translation>
    </message>
    <message>
        <source>Starting and joining one child that does nothing (median of 3 rounds)</source>
        <translation>启动并等待一个什么也不做的子进程（3 轮的中位数）</translation>
    </message>
    <message>
        <source>start method</source>
        <translation>启动方法</translation>
    </message>
    <message>
        <source>ms per child</source>
        <translation>每个子进程（毫秒）</translation>
    </message>
    <message>
        <source>spread (ms)</source>
        <translation>波动（毫秒）</translation>
    </message>
    <message>
        <source>by name: the child imports it again</source>
        <translation>按名字传递：子进程重新导入它</translation>
    </message>
    <message>
        <source>its class by name, then its attributes</source>
        <translation>先按名字传递它的类，再传递它的属性</translation>
    </message>
    <message>
        <source>a function by name plus its arguments</source>
        <translation>按名字传递的函数，加上它的参数</translation>
    </message>
    <message>
        <source>a lambda has no name the child could import</source>
        <translation>lambda 没有可供子进程导入的名字</translation>
    </message>
    <message>
        <source>defined inside a function: the child cannot import it by name</source>
        <translation>定义在函数内部：子进程无法按名字导入它</translation>
    </message>
    <message>
        <source>its class is defined inside a function</source>
        <translation>它的类定义在函数内部</translation>
    </message>
    <message>
        <source>an open file belongs to this process</source>
        <translation>打开的文件属于本进程</translation>
    </message>
    <message>
        <source>a thread lock belongs to this process</source>
        <translation>线程锁属于本进程</translation>
    </message>
    <message>
        <source>a running generator cannot be copied</source>
        <translation>运行中的生成器无法复制</translation>
    </message>
    <message>
        <source>What can be sent to another process (pickled)?</source>
        <translation>哪些东西可以发送给另一个进程（序列化）？</translation>
    </message>
    <message>
        <source>object</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>can be pickled</source>
        <translation>可以序列化</translation>
    </message>
    <message>
        <source>why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Functions defined in a Jupyter notebook live in its __main__ module: under spawn (Windows, macOS) the children cannot import them, so put them in a .py file.</source>
        <translation>在 Jupyter 笔记本中定义的函数位于它的 __main__ 模块中：使用 spawn（Windows、macOS）时子进程无法导入它们，所以请把它们放进 .py 文件。</translation>
    </message>
    <message>
        <source>it worked</source>
        <translation>成功了</translation>
    </message>
    <message>
        <source>{error}: the lambda must be pickled</source>
        <translation>{error}：lambda 必须序列化</translation>
    </message>
    <message>
        <source>pool.map(lambda x: 2 * x, [1]) under each start method</source>
        <translation>各启动方法下的 pool.map(lambda x: 2 * x, [1])</translation>
    </message>
    <message>
        <source>what happened</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>A script that starts a process without the __main__ guard</source>
        <translation>没有 __main__ 保护就启动进程的脚本</translation>
    </message>
    <message>
        <source>the child raised RuntimeError</source>
        <translation>子进程抛出 RuntimeError</translation>
    </message>
    <message>
        <source>child exit code 1</source>
        <translation>子进程退出码为 1</translation>
    </message>
    <message>
        <source>Without the guard, the child re-runs the script&apos;s top level while importing it and tries to start a process of its own: multiprocessing stops it with RuntimeError.</source>
        <translation>没有保护时，子进程在导入脚本时会重新执行脚本的顶层代码，并试图启动自己的进程：multiprocessing 用 RuntimeError 阻止了它。</translation>
    </message>
    <message>
        <source>one Queue shared by all writers</source>
        <translation>所有写入者共用一个队列</translation>
    </message>
    <message>
        <source>a Queue for each writer</source>
        <translation>每个写入者一个队列</translation>
    </message>
    <message>
        <source>3 writers, one terminated mid-write</source>
        <translation>3 个写入者，其中一个在写入中途被终止</translation>
    </message>
    <message>
        <source>trials</source>
        <translation>试验次数</translation>
    </message>
    <message>
        <source>the others stalled</source>
        <translation>其他写入者卡住的次数</translation>
    </message>
    <message>
        <source>With one shared Queue, the other writers stalled in {stalls} of {trials} trials: the terminated writer died holding the queue&apos;s lock (or halfway through a message, which blocks the reader). With a Queue each: {own}.</source>
        <translation>共用一个队列时，{trials} 次试验中有 {stalls} 次其他写入者卡住了：被终止的写入者死时还持有队列的锁（或者死在一条消息写到一半时，使读取方阻塞）。每个写入者一个队列时：{own} 次。</translation>
    </message>
    <message>
        <source>No stall in {trials} trials: on Windows a Queue has no write lock to die holding.</source>
        <translation>{trials} 次试验都没有卡住：Windows 上的队列没有写锁，不会有进程死时还持有它。</translation>
    </message>
    <message>
        <source>No stall in {trials} trials this time: the writer must die at the very moment it holds the lock, which is a matter of timing. Run it again.</source>
        <translation>这次 {trials} 次试验都没有卡住：写入者必须恰好在持有锁的那一刻死掉，这取决于时机。请再运行一次。</translation>
    </message>
    <message>
        <source>{factor}x the CPUs</source>
        <translation>CPU 数的 {factor} 倍</translation>
    </message>
    <message>
        <source>Tasks per second by pool size (median of 3 rounds)</source>
        <translation>不同进程池大小下每秒完成的任务数（3 轮的中位数）</translation>
    </message>
    <message>
        <source>processes or threads</source>
        <translation>进程数或线程数</translation>
    </message>
    <message>
        <source>pool size</source>
        <translation>进程池大小</translation>
    </message>
    <message>
        <source>waiting task, processes</source>
        <translation>等待型任务，进程</translation>
    </message>
    <message>
        <source>waiting task, threads</source>
        <translation>等待型任务，线程</translation>
    </message>
    <message>
        <source>CPU-bound task, processes</source>
        <translation>CPU 密集型任务，进程</translation>
    </message>
    <message>
        <source>The waiting task ran {io:.1f}x as fast with 8x the CPUs as with 1x; the CPU-bound task {cpu:.1f}x.</source>
        <translation>进程池为 CPU 数的 8 倍时，等待型任务的速度是 1 倍时的 {io:.1f} 倍；CPU 密集型任务是 {cpu:.1f} 倍。</translation>
    </message>
    <message>
        <source>As expected: a pool bigger than the core count helped only while its tasks wait.</source>
        <translation>与预期一致：进程池大于核心数，只在任务等待时才有帮助。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point clearly, although the CPUs looked idle: run it again.</source>
        <translation>这次结果 并没有清楚地体现本课的结论，尽管 CPU 看起来是空闲的：请再运行一次。</translation>
    </message>
    <message>
        <source>Threads did as well as processes for the waiting task ({threads:,.0f} against {processes:,.0f} tasks per second), at a fraction of the cost.</source>
        <translation>对于等待型任务，线程和进程一样好（每秒 {threads:,.0f} 个任务，进程为 {processes:,.0f} 个），而开销只是进程的一小部分。</translation>
    </message>
    <message>
        <source>This task only waits, so it keeps gaining from more workers; a real task also computes, and the gain stops sooner. The best size depends on how long a task waits compared with how long it computes: measure it, as here.</source>
        <translation>这个任务只是等待，所以工作进程越多越快；真实的任务还要计算，收益会更早停止。最合适的大小取决于任务等待的时间和计算的时间之比：像这里一样去测量它。</translation>
    </message>
    <message>
        <source>30 items, 3 consumers, one sentinel each</source>
        <translation>30 个工作项、3 个消费者，每个消费者一个结束标记</translation>
    </message>
    <message>
        <source>consumer pid</source>
        <translation>消费者 pid</translation>
    </message>
    <message>
        <source>items handled</source>
        <translation>处理的项数</translation>
    </message>
    <message>
        <source>exit code</source>
        <translation>退出码</translation>
    </message>
    <message>
        <source>The consumers handled {total} of {items} items between them and all three stopped at their sentinel.</source>
        <translation>消费者们一共处理了 {items} 项中的 {total} 项，三个消费者都在取到自己的结束标记后停了下来。</translation>
    </message>
    <message>
        <source>JoinableQueue.join() returned after {seconds:.2f} s, when {done} of {items} items had been marked done.</source>
        <translation>JoinableQueue.join() 在 {seconds:.2f} 秒后返回，此时 {items} 项中已有 {done} 项被标记完成。</translation>
    </message>
    <message>
        <source>A child puts 10 MB in a Queue and exits</source>
        <translation>子进程往队列里放 10 MB 数据后退出</translation>
    </message>
    <message>
        <source>order</source>
        <translation>顺序</translation>
    </message>
    <message>
        <source>the child had ended</source>
        <translation>子进程已结束</translation>
    </message>
    <message>
        <source>join(timeout=1) before get()</source>
        <translation>先 join(timeout=1)，后 get()</translation>
    </message>
    <message>
        <source>join() after get()</source>
        <translation>先 get()，后 join()</translation>
    </message>
    <message>
        <source>join() before reading waited the full second and the child was still alive: without a timeout it would wait for ever. After reading the {mb} MB, join() returned at once.</source>
        <translation>读取之前的 join() 等满了一秒，子进程仍然活着：如果没有超时，它会永远等下去。读走这 {mb} MB 之后，join() 立刻返回了。</translation>
    </message>
    <message>
        <source>This time the child ended before the item was read (the system&apos;s pipe buffer was large enough); with larger items join() before get() waits for ever.</source>
        <translation>这次子进程在数据被读取之前就结束了（系统的管道缓冲区足够大）；数据更大时，先 join() 后 get() 会永远等下去。</translation>
    </message>
    <message>
        <source>no limit</source>
        <translation>不加限制</translation>
    </message>
    <message>
        <source>6 processes, each 0.2 s in the room</source>
        <translation>6 个进程，每个在“房间”里停留 0.2 秒</translation>
    </message>
    <message>
        <source>guard</source>
        <translation>保护方式</translation>
    </message>
    <message>
        <source>most inside at once</source>
        <translation>同时在里面的最多进程数</translation>
    </message>
    <message>
        <source>all six took (s)</source>
        <translation>六个进程共用时（秒）</translation>
    </message>
    <message>
        <source>A Lock let {lock} process in at a time and the six took {lock_s:.1f} s; a Semaphore(2) let {sem} in at a time ({sem_s:.1f} s); with no limit {free} were inside together.</source>
        <translation>锁每次只让 {lock} 个进程进入，六个进程共用 {lock_s:.1f} 秒；Semaphore(2) 每次让 {sem} 个进入（{sem_s:.1f} 秒）；不加限制时有 {free} 个同时在里面。</translation>
    </message>
    <message>
        <source>Barrier(3): three processes arriving at different times</source>
        <translation>Barrier(3)：三个在不同时刻到达的进程</translation>
    </message>
    <message>
        <source>arrives after (s)</source>
        <translation>到达时间（秒）</translation>
    </message>
    <message>
        <source>waited (s)</source>
        <translation>等待时间（秒）</translation>
    </message>
    <message>
        <source>went on after (s)</source>
        <translation>继续时间（秒）</translation>
    </message>
    <message>
        <source>All three went on within {spread:.3f} s of each other, although they arrived {apart:.1f} s apart: the first waited longest.</source>
        <translation>三个进程到达的时间相差 {apart:.1f} 秒，继续往下走的时间却只相差 {spread:.3f} 秒：最先到达的等得最久。</translation>
    </message>
    <message>
        <source>Two processes, 2,000 updates each (the time includes starting them)</source>
        <translation>两个进程，各更新 2000 次（时间包括启动进程）</translation>
    </message>
    <message>
        <source>shared through</source>
        <translation>共享方式</translation>
    </message>
    <message>
        <source>updates</source>
        <translation>更新次数</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>updates per second</source>
        <translation>每秒更新次数</translation>
    </message>
    <message>
        <source>The Manager&apos;s dict ended as {{{kept}}} (each process&apos;s last value): every update was a message to the server process.</source>
        <translation>Manager 的 dict 最后是 {{{kept}}}（每个进程最后写入的值）：每一次更新都是发给服务进程的一条消息。</translation>
    </message>
    <message>
        <source>20 MB from a child to its parent (median of 3 rounds)</source>
        <translation>子进程向父进程交出 20 MB 数据（3 轮的中位数）</translation>
    </message>
    <message>
        <source>Measured here: the child&apos;s 20 MB took {queue:.3f} s through a Queue (pickled, copied through a pipe) and {block:.3f} s written straight into shared memory (the parent then reads it in place: {whole}).</source>
        <translation>本机实测：子进程的 20 MB 数据通过队列（序列化后经管道复制）用了 {queue:.3f} 秒，直接写进共享内存用了 {block:.3f} 秒（之后父进程在原处读取：{whole}）。</translation>
    </message>
    <message>
        <source>{code} (the block ends)</source>
        <translation>{code}（代码块结束）</translation>
    </message>
    <message>
        <source>terminate(): the task was stopped, ready() = {ready}</source>
        <translation>terminate()：任务被终止，ready() = {ready}</translation>
    </message>
    <message>
        <source>the task finished: get() = {value}</source>
        <translation>任务完成：get() = {value}</translation>
    </message>
    <message>
        <source>What happens to a running task when the pool ends</source>
        <translation>进程池结束时，正在运行的任务会怎样</translation>
    </message>
    <message>
        <source>how the pool ends</source>
        <translation>进程池如何结束</translation>
    </message>
    <message>
        <source>12 tasks on a pool of 2 processes</source>
        <translation>2 个进程的进程池处理 12 个任务</translation>
    </message>
    <message>
        <source>maxtasksperchild</source>
        <translation>maxtasksperchild（每个进程的任务数上限）</translation>
    </message>
    <message>
        <source>tasks</source>
        <translation>任务数</translation>
    </message>
    <message>
        <source>different processes used</source>
        <translation>用到的不同进程数</translation>
    </message>
    <message>
        <source>Without a limit, {plain} processes did all 12 tasks; with maxtasksperchild=2 the pool replaced them and {fresh} different processes took part.</source>
        <translation>不加上限时，{plain} 个进程完成了全部 12 个任务；设置 maxtasksperchild=2 后，进程池不断换上新进程，共有 {fresh} 个不同的进程参与。</translation>
    </message>
    <message>
        <source>ProcessPoolExecutor: map gave {squares}; as_completed() yielded four futures as they finished ({count} results). Its `with` block waited for them all.</source>
        <translation>ProcessPoolExecutor：map 得到 {squares}；as_completed() 按完成顺序产出了四个 future（{count} 个结果）。它的 `with` 代码块等到了它们全部完成。</translation>
    </message>
    <message>
        <source>Monte Carlo pi</source>
        <translation>蒙特卡洛求 π</translation>
    </message>
    <message>
        <source>Fibonacci</source>
        <translation>斐波那契数列</translation>
    </message>
    <message>
        <source>a batch of images</source>
        <translation>一批图片</translation>
    </message>
    <message>
        <source>Serial against a pool of one process per CPU (median of 3 rounds)</source>
        <translation>串行与每个 CPU 一个进程的进程池对比（3 轮的中位数）</translation>
    </message>
    <message>
        <source>job</source>
        <translation>工作</translation>
    </message>
    <message>
        <source>serial (s)</source>
        <translation>串行（秒）</translation>
    </message>
    <message>
        <source>pool (s)</source>
        <translation>进程池（秒）</translation>
    </message>
    <message>
        <source>Monte Carlo: {points:,} points gave pi = {pi:.4f} (off by {error:.4f}).</source>
        <translation>蒙特卡洛：{points:,} 个点算出 π = {pi:.4f}（误差 {error:.4f}）。</translation>
    </message>
    <message>
        <source>The images were real images, blurred by Pillow.</source>
        <translation>这些是真正的图片，由 Pillow 做了模糊处理。</translation>
    </message>
    <message>
        <source>Pillow is not installed: the images were plain bytes, averaged in Python.</source>
        <translation>没有安装 Pillow：图片只是普通字节，用 Python 求平均。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point: the CPUs were already {busy:.0f}% busy with other programs. Close them and run it again.</source>
        <translation>这次结果并没有体现本课的结论：CPU 已被其他程序占用 {busy:.0f}%。请关闭它们后再运行一次。</translation>
    </message>
    <message>
        <source>This result does NOT show the lesson&apos;s point, although the CPUs looked idle: run it again and compare.</source>
        <translation>这次结果并没有体现本课的结论，尽管 CPU 看起来是空闲的：请再运行一次并比较。</translation>
    </message>
    <message>
        <source>With {cores} CPUs the pool did each job up to {best:.1f}x as fast: the work splits into independent tasks, and each runs in its own process.</source>
        <translation>在 {cores} 个 CPU 上，进程池完成各项工作的速度最高达到串行的 {best:.1f} 倍：工作被拆成相互独立的任务，每个任务在自己的进程中运行。</translation>
    </message>
</context>
</TS>
