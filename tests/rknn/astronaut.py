"""The photo the .rknn photo checks share: Debian python3-skimage's astronaut (NASA, public domain)
and the one face OpenCV's Haar cascade (Debian opencv-data) finds in it, an oracle nobody here wrote."""
import os


class Unavailable(Exception):
    """The photo or its face cannot be had; the message says why."""


def astronaut_and_face():
    """(RGB photo, (x, y, w, h) of the face); raises Unavailable."""
    try:
        import cv2
        import skimage.data
    except ImportError as e:
        raise Unavailable("%s (scripts/setup.sh installs python3-skimage, python3-opencv and opencv-data)" % e)
    photo = skimage.data.astronaut()
    cascade_dir = cv2.data.haarcascades if hasattr(cv2, "data") else "/usr/share/opencv4/haarcascades/"
    cascade = cv2.CascadeClassifier(os.path.join(cascade_dir, "haarcascade_frontalface_default.xml"))
    if cascade.empty():
        cascade = cv2.CascadeClassifier("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml")
    faces = cascade.detectMultiScale(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), 1.1, 5)
    if len(faces) != 1:
        raise Unavailable("OpenCV finds %d faces in the astronaut photo, expected 1" % len(faces))
    return photo, tuple(int(v) for v in faces[0])


def saved_astronaut(work):
    """(photo, face box, path of the photo saved as PNG in `work`) for tests that pass it to
    `rknn-sim run` as an image; raises Unavailable (also when Pillow is missing)."""
    try:
        from PIL import Image
    except ImportError as e:
        raise Unavailable("%s (scripts/setup.sh installs python3-pil)" % e)
    photo, face = astronaut_and_face()
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "astronaut.png")
    Image.fromarray(photo).save(path)
    return photo, face, path
