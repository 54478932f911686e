"""The embedded broker: Kombu's filesystem transport, made safe for several processes.

Kombu's filesystem transport opens a message file and then writes it, while readers in other
processes list the folder and take whatever file is there: a reader can take a file that is
still empty and lose the message. Here a message is written under a name readers skip and
renamed into place when complete (a rename is atomic on POSIX). Names start with the wall
clock, not each process's monotonic clock, so messages from several processes keep their order.
"""

from __future__ import annotations

import os
import time
import uuid

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{time.time_ns():020d}_{uuid.uuid4().hex}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".part"
        try:
            with open(partial, "wb") as file:
                file.write(dumps(payload).encode())
            os.replace(partial, final)
        except OSError as error:
            raise ChannelError(f"cannot add {final!r} to the broker folder") from error


class Transport(filesystem.Transport):
    Channel = Channel
