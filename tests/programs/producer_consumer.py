"""A producer and a consumer process talking through a Queue."""

import multiprocessing as mp
import sys


def producer(queue, count):
    for number in range(count):
        queue.put(number)
    queue.put(None)  # tells the consumer there is nothing more
    sys.stderr.write(f"producer: sent {count} numbers\n")  # one write: see batch_files.py


def consumer(queue, results):
    total = count = 0
    while (number := queue.get()) is not None:
        total += number * number
        count += 1
    sys.stderr.write(f"consumer: got {count} numbers\n")
    results.put(total)


if __name__ == "__main__":
    mp.set_start_method(sys.argv[1] if len(sys.argv) > 1 else "spawn")
    queue, results = mp.Queue(), mp.Queue()
    workers = [mp.Process(target=producer, args=(queue, 100), name="producer"),
               mp.Process(target=consumer, args=(queue, results), name="consumer")]
    for worker in workers:
        worker.start()
    print("sum of squares:", results.get())
    for worker in workers:
        worker.join()
    print("exit codes:", [worker.exitcode for worker in workers])
